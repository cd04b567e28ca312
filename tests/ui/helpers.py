"""Sample data shared by the UI tests."""

from __future__ import annotations

from stdnum.jp import cn

from reseller_desk.domain.customer import CustomerDraft
from tests.versions import company_now


def corporate_number(body: str) -> str:
    """A valid 法人番号 from 12 digits (the check digit is prepended)."""
    return cn.calc_check_digit(body) + body


SAMPLE_CUSTOMERS = (
    CustomerDraft(kind="corporate", name="株式会社テスト商事", name_kana="カブシキガイシャテストショウジ",
                  phone="03-1234-5678", email="info@test-shoji.example.jp",
                  corporate_number=corporate_number("234567890123"), postal_code="100-0001",
                  address="東京都千代田区千代田1-1"),
    CustomerDraft(kind="corporate", name="有限会社さくら電機", name_kana="ユウゲンガイシャサクラデンキ",
                  phone="06-6123-4567", email="sakura@denki.example.jp",
                  corporate_number=corporate_number("120001012345"), address="大阪府大阪市北区梅田2-2"),
    CustomerDraft(kind="individual", name="山田 太郎", name_kana="ヤマダ タロウ", phone="090-1234-5678",
                  email="taro@example.com", address="神奈川県横浜市中区3-3"),
    CustomerDraft(kind="individual", name="青木 花子", name_kana="アオキ ハナコ", phone="045-987-6543",
                  address="神奈川県横浜市西区4-4"),
)


def type_text(qtbot, widget, text: str) -> None:
    """Type ``text`` into ``widget`` as a clerk would.

    ASCII goes through ``qtbot.keyClicks`` (real key presses). QTest cannot press keys for
    anything else (it aborts with ``ASSERT: "false" in qasciikey.cpp``), and Japanese is not
    typed key by key anyway: an input method commits each converted piece. So every non-ASCII
    character is delivered the way an IME delivers it, as a QInputMethodEvent commit.
    """
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    run = ""
    for char in text + "\0":
        if char != "\0" and char.isascii():
            run += char
            continue
        if run:
            qtbot.keyClicks(widget, run)
            run = ""
        if char != "\0":
            event = QInputMethodEvent("", [])
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


# -- the office the application tests work in -------------------------------------------------------
def set_up_office(db, manager) -> dict[str, int]:
    """Company details (printed on notices) and one plan per service, through the services."""
    from reseller_desk.domain.company import CompanyDetails, PlanDetails
    from reseller_desk.services import settings

    settings.save_company(db, manager, CompanyDetails(
        name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号",
        phone="03-5289-7410", registration_number="T8700110005901"), expected_version=company_now(db))
    sc = PlanDetails("simpleconnect", "SC-BASIC", "ベーシック", 2980, 5000)
    sh = PlanDetails("sokujitsu", "SH-LIGHT", "ライト", 1980, 3000, 12, 10000)
    recording = PlanDetails("simpleconnect", "SC-REC", "通話録音", 500, 1000)
    return {"sc": settings.save_plan(db, manager, None, sc, expected_version=None).id, "sh": settings.save_plan(db, manager, None, sh,
                                                                                                                expected_version=None).id,
            "sc_rec": settings.save_option(db, manager, None, recording, expected_version=None).id}


def set_password(db, user_id: int, password: str) -> None:
    """Give a fixture's staff member (who has none) a password to log in with, as a test's
    set-up: straight into the row, the way no service may."""
    from reseller_desk.db.models import StaffUser
    from reseller_desk.services.auth import hash_password

    with db.transaction() as session:
        session.get(StaffUser, user_id).password_hash = hash_password(password)


def open_application_dialog(ctx, qtbot, detail=None):
    """The application window of ``detail`` (新規受付 when None), shown."""
    from reseller_desk.ui.application.window import ApplicationDialog

    dialog = ApplicationDialog(ctx, detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def shown_settings_page(ctx, qtbot, height: int = 700):
    """The 設定 page of ``ctx``, shown at 1000 × ``height`` and exposed."""
    from reseller_desk.ui.settings.page import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, height)
    page.show()
    qtbot.waitExposed(page)
    return page
