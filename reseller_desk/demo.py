"""Demo data: a believable office with N customers, so that the window and the benchmarks
show what a real customer book looks like.

法人 and 個人 with kanji names and their katakana readings, addresses with real postal codes
and the area codes that go with them, valid 法人番号 (check digit computed with python-stdnum),
plans and options of both services, company details and closure days. Addresses and phone
numbers are made up; e-mail addresses use the reserved example.co.jp / example.ne.jp domains so
that nothing the demo holds can reach a real person.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from stdnum.jp import cn as corporate_number_std

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Customer, StaffUser, utcnow
from reseller_desk.domain.application import IdentityLetterResult, ScreeningAnswer
from reseller_desk.domain.calendar import year_end_closure_days
from reseller_desk.domain.company import BankAccountDetails, CompanyDetails, PlanDetails
from reseller_desk.domain.customer import CustomerDraft, CustomerKind, format_phone
from reseller_desk.domain.intake import (
    ApplicationDraft,
    Channel,
    DocumentEntry,
    DocumentKind,
    IdentityKind,
    PaymentMethod,
)
from reseller_desk.domain.staff import Role
from reseller_desk.services import audit, settings
from reseller_desk.services.auth import actor_of
from reseller_desk.services.customers import stored_values
from reseller_desk.services.database_info import database_state, demo_refusal, mark_demo
from reseller_desk.services.errors import PermissionDenied
from reseller_desk.services.permissions import Actor
from reseller_desk.services.retry import retried
from reseller_desk.services.staff import insert_staff

if TYPE_CHECKING:
    from reseller_desk.services.applications import ApplicationDetail

# (kanji, katakana, romaji) words that make up company names.
COMPANY_WORDS = [
    ("青葉", "アオバ", "aoba"), ("東洋", "トウヨウ", "toyo"), ("大和", "ヤマト", "yamato"),
    ("富士", "フジ", "fuji"), ("三和", "サンワ", "sanwa"), ("朝日", "アサヒ", "asahi"),
    ("北斗", "ホクト", "hokuto"), ("中央", "チュウオウ", "chuo"), ("光", "ヒカリ", "hikari"),
    ("日本橋", "ニホンバシ", "nihonbashi"), ("桜", "サクラ", "sakura"), ("若葉", "ワカバ", "wakaba"),
    ("千代田", "チヨダ", "chiyoda"), ("丸の内", "マルノウチ", "marunouchi"), ("みなと", "ミナト", "minato"),
    ("山田", "ヤマダ", "yamada"), ("高砂", "タカサゴ", "takasago"), ("明星", "メイセイ", "meisei"),
    ("栄光", "エイコウ", "eiko"), ("双葉", "フタバ", "futaba"), ("協和", "キョウワ", "kyowa"),
    ("昭和", "ショウワ", "showa"), ("平和", "ヘイワ", "heiwa"), ("太陽", "タイヨウ", "taiyo"),
    ("新星", "シンセイ", "shinsei"), ("あおい", "アオイ", "aoi"), ("翠", "ミドリ", "midori"),
    ("東邦", "トウホウ", "toho"), ("西都", "サイト", "saito"), ("港南", "コウナン", "konan"),
]
COMPANY_TRADES = [
    ("商事", "ショウジ", "shoji"), ("工業", "コウギョウ", "kogyo"), ("建設", "ケンセツ", "kensetsu"),
    ("物産", "ブッサン", "bussan"), ("不動産", "フドウサン", "fudosan"), ("設計", "セッケイ", "sekkei"),
    ("電機", "デンキ", "denki"), ("運輸", "ウンユ", "unyu"), ("食品", "ショクヒン", "shokuhin"),
    ("製作所", "セイサクショ", "seisakusho"), ("印刷", "インサツ", "insatsu"), ("システム", "システム", "system"),
    ("コンサルティング", "コンサルティング", "consulting"), ("企画", "キカク", "kikaku"),
    ("産業", "サンギョウ", "sangyo"),
    ("サービス", "サービス", "service"), ("薬局", "ヤッキョク", "pharmacy"), ("歯科", "シカ", "dental"),
]
COMPANY_FORMS = [  # (kanji, katakana, prefix?)  weights follow how common each form is
    ("株式会社", "カブシキガイシャ", True), ("株式会社", "カブシキガイシャ", False),
    ("株式会社", "カブシキガイシャ", True), ("有限会社", "ユウゲンガイシャ", True),
    ("合同会社", "ゴウドウガイシャ", False), ("一般社団法人", "イッパンシャダンホウジン", True),
]
FAMILY_NAMES = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"), ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"), ("前田", "マエダ", "maeda"),
    ("藤田", "フジタ", "fujita"), ("小川", "オガワ", "ogawa"), ("岡田", "オカダ", "okada"),
]
GIVEN_NAMES = [
    ("太郎", "タロウ", "taro"), ("花子", "ハナコ", "hanako"), ("健一", "ケンイチ", "kenichi"),
    ("美咲", "ミサキ", "misaki"), ("大輔", "ダイスケ", "daisuke"), ("陽子", "ヨウコ", "yoko"),
    ("翔太", "ショウタ", "shota"), ("由美", "ユミ", "yumi"), ("誠", "マコト", "makoto"),
    ("恵", "メグミ", "megumi"), ("直樹", "ナオキ", "naoki"), ("裕子", "ユウコ", "yuko"),
    ("拓也", "タクヤ", "takuya"), ("真由美", "マユミ", "mayumi"), ("和彦", "カズヒコ", "kazuhiko"),
    ("明美", "アケミ", "akemi"), ("浩二", "コウジ", "koji"), ("さくら", "サクラ", "sakura"),
    ("隆", "タカシ", "takashi"), ("優子", "ユウコ", "yuko"), ("亮", "リョウ", "ryo"), ("彩", "アヤ", "aya"),
]
# (postal code, address up to the town, area code, digits after the area code)
PLACES = [
    ("100-0005", "東京都千代田区丸の内", "03", 8), ("150-0002", "東京都渋谷区渋谷", "03", 8),
    ("160-0022", "東京都新宿区新宿", "03", 8), ("105-0011", "東京都港区芝公園", "03", 8),
    ("170-0013", "東京都豊島区東池袋", "03", 8), ("530-0001", "大阪府大阪市北区梅田", "06", 8),
    ("541-0041", "大阪府大阪市中央区北浜", "06", 8), ("460-0008", "愛知県名古屋市中区栄", "052", 7),
    ("812-0011", "福岡県福岡市博多区博多駅前", "092", 7), ("060-0001", "北海道札幌市中央区北一条西", "011", 7),
    ("980-0021", "宮城県仙台市青葉区中央", "022", 7), ("730-0011", "広島県広島市中区基町", "082", 7),
    ("220-0011", "神奈川県横浜市西区高島", "045", 7), ("650-0001", "兵庫県神戸市中央区加納町", "078", 7),
    ("600-8216", "京都府京都市下京区東塩小路町", "075", 7), ("330-0853", "埼玉県さいたま市大宮区錦町", "048", 7),
    ("260-0028", "千葉県千葉市中央区新町", "043", 7), ("420-0851", "静岡県静岡市葵区黒金町", "054", 7),
    ("950-0086", "新潟県新潟市中央区花園", "025", 7), ("860-0806", "熊本県熊本市中央区花畑町", "096", 7),
]
BUILDINGS = ["", "", "", "第一ビル", "センタービル", "ハイツ", "スカイタワー", "駅前ビル", "ビジネスプラザ"]
TITLES = ["代表取締役", "代表取締役社長", "代表社員", "理事長", "取締役"]
CONTACT_TITLES = ["総務部長", "総務課", "経理課長", "情報システム部", "事務長", "店長", ""]

#: The demo office's staff: (login, name, role, password). The passwords are public (README,
#: and `reseller-desk demo` prints them); the accounts are marked demo_account. A real
#: database never has a default password: its first manager is created at the first start.
DEMO_STAFF = (("kanri", "管理 花子", Role.MANAGER, "kanri-demo"), ("jimu", "事務 太郎", Role.CLERK, "jimu-demo"))


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    plans: int
    options: int
    applications: int = 0


def _phone(rng: random.Random, area: str, digits: int) -> str:
    """A number that phonenumbers accepts as allocated, hyphenated as it does (096-4xx-xxxx
    is really area code 0964); drawn again when the exchange does not exist."""
    while True:
        local = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(digits - 1))
        formatted = format_phone(area + local)
        if "-" in formatted:
            return formatted


def _mobile(rng: random.Random) -> str:
    return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


def _address(rng: random.Random, town: str) -> str:
    street = f"{town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
    building = rng.choice(BUILDINGS)
    if building:
        street += f" {rng.choice(COMPANY_WORDS)[0]}{building} {rng.randint(1, 12)}F"
    return street


def _corporate_number(rng: random.Random) -> str:
    body = f"{rng.randint(1, 9)}{rng.randint(0, 10**11 - 1):011d}"
    return corporate_number_std.calc_check_digit(body) + body


def demo_customer(rng: random.Random) -> CustomerDraft:
    postal, town, area, digits = rng.choice(PLACES)
    if rng.random() < 0.65:
        word, trade, form = rng.choice(COMPANY_WORDS), rng.choice(COMPANY_TRADES), rng.choice(COMPANY_FORMS)
        core, core_kana = word[0] + trade[0], word[1] + trade[1]
        name, kana = (form[0] + core, form[1] + core_kana) if form[2] else (core + form[0], core_kana + form[1])
        rep_family, rep_given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
        contact = rng.choice(FAMILY_NAMES)
        return CustomerDraft(
            kind=CustomerKind.CORPORATE, name=name, name_kana=kana,
            representative_title=rng.choice(TITLES), representative_name=f"{rep_family[0]} {rep_given[0]}",
            contact_title=rng.choice(CONTACT_TITLES), contact_name=f"{contact[0]} {rng.choice(GIVEN_NAMES)[0]}",
            postal_code=postal, address=_address(rng, town), phone=_phone(rng, area, digits),
            email=f"info@{word[2]}-{trade[2]}.example.co.jp",
            corporate_number=_corporate_number(rng),
        )
    family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
    phone = _mobile(rng) if rng.random() < 0.5 else _phone(rng, area, digits)
    return CustomerDraft(
        kind=CustomerKind.INDIVIDUAL, name=f"{family[0]} {given[0]}", name_kana=f"{family[1]} {given[1]}",
        postal_code=postal, address=_address(rng, town), phone=phone,
        email=f"{given[2]}.{family[2]}{rng.randint(1, 999)}@example.ne.jp",
        notes=rng.choice(["", "", "", "個人事業主（屋号あり）", "FAXでの連絡希望", "平日午前中は不在"]),
    )


DEMO_PLANS = [
    PlanDetails("simpleconnect", "SC-BASIC", "SimpleConnect ベーシック", 2980, 5000, 1, 0),
    PlanDetails("simpleconnect", "SC-STANDARD", "SimpleConnect スタンダード", 4980, 10000, 1, 0),
    PlanDetails("simpleconnect", "SC-F2F", "SimpleConnect 対面契約プラン", 3980, 5000, 1, 0, True,
                notes="SC §6.4: 対面販売・顔写真付き身分証明書が必要"),
    PlanDetails("sokujitsu", "SH-LIGHT", "即日発番 ライト", 1980, 3000, 12, 10000),
    PlanDetails("sokujitsu", "SH-BUSINESS", "即日発番 ビジネス", 3980, 5000, 24, 20000),
]
DEMO_OPTIONS = [
    PlanDetails("simpleconnect", "SC-REC", "通話録音", 500, 0, 0),
    PlanDetails("simpleconnect", "SC-IVR", "自動音声応答（IVR）", 1000, 3000, 0),
    PlanDetails("simpleconnect", "SC-NUM", "追加電話番号", 300, 1000, 0),
    PlanDetails("sokujitsu", "SH-NUM", "追加電話番号", 500, 1000, 0),
    PlanDetails("sokujitsu", "SH-REC", "通話録音", 800, 0, 0),
    PlanDetails("sokujitsu", "SH-PHONE", "IP電話機レンタル", 600, 0, 0),
]
DEMO_COMPANY = CompanyDetails(
    name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号 みらいビル4F",
    phone="03-5289-7410", fax="03-5289-7411", email="support@mirai-telecom.example.co.jp",
    representative="代表取締役 高田 誠",
    registration_number="T" + corporate_number_std.calc_check_digit("010001234567") + "010001234567",
)
#: The office's transfer accounts, named as the office writes them; the codes are those of
#: these branches in zengin-code (0005-331 is 三菱ＵＦＪ 神田, 0009-220 is 三井住友 神田駅前).
DEMO_BANK_ACCOUNTS = [
    BankAccountDetails("0005", "三菱UFJ銀行", "331", "神田支店", "普通", "1234567", "ｶ)ﾐﾗｲﾃﾚｺﾑ"),
    BankAccountDetails("0009", "三井住友銀行", "220", "神田駅前支店", "普通", "7654321", "ｶ)ﾐﾗｲﾃﾚｺﾑ"),
]


@retried
def ensure_demo_staff(db: Database) -> list[Actor]:
    """The demo office's 管理者 and 事務, with the public demo passwords, marked as demo accounts
    (staff.insert_staff) and recorded in the audit log as added by the demo manager. The same
    transaction marks the database demo, and refuses (PermissionDenied) one that is neither new
    nor demo already: an office database never gets these accounts."""
    actors = []
    with db.transaction(write=True) as session:
        mark_demo(session)
        added = []
        for login, name, role, password in DEMO_STAFF:
            user = session.scalars(select(StaffUser).where(StaffUser.login == login)).first()
            if user is None:
                user = insert_staff(session, login, name, role, password, demo=True)
                added.append(user)
            actors.append(actor_of(user))
        for user in added:
            audit.record(session, actors[0], "staff.add", "staff", user.id,
                         after={"login": user.login, "name": user.display_name, "role": user.role, "demo": True},
                         summary=f"デモ用担当者を登録: {user.display_name}")
    return actors


@retried
def insert_customers(db: Database, actor: Actor, drafts: list[CustomerDraft], chunk: int = 5000) -> None:
    """Bulk insert (one executemany per chunk, not one ORM object per row), in one transaction."""
    now = utcnow()
    with db.transaction(write=True) as session:
        for start in range(0, len(drafts), chunk):
            rows = []
            for draft in drafts[start:start + chunk]:
                row = stored_values(draft)
                row.update(created_at=now, updated_at=now, created_by_id=actor.user_id, updated_by_id=actor.user_id,
                           row_version=1)
                rows.append(row)
            session.execute(insert(Customer), rows)
        audit.record(session, actor, "demo.customers", "customer", None, after={"count": len(drafts)},
                     summary=f"デモ顧客 {len(drafts)}件を作成")


def fill_demo(db: Database, customers: int, seed: int = 1) -> DemoSummary:
    """Fill a new database with a demo office and mark it demo (services.database_info).
    Refuses (PermissionDenied, writing nothing) a database that has staff or customers and is
    not marked demo, and a demo database that already has its customers. A demo fill that was
    stopped part-way (its customers are written in one transaction) can be run again: what it
    had saved of the company, plans and options is kept and the rest added."""
    problem = demo_refusal(database_state(db))
    if problem:
        raise PermissionDenied(problem)
    manager, _clerk = ensure_demo_staff(db)
    rng = random.Random(seed)
    # Like the command line, the demo changes what it reads just now: the versions it passes
    # are the current ones (a fill stopped part-way may have saved these already).
    settings.save_company(db, manager, DEMO_COMPANY, expected_version=settings.get_company_record(db).row_version)
    settings.save_bank_accounts(db, manager, DEMO_BANK_ACCOUNTS,
                                expected_versions=settings.account_versions(settings.list_bank_accounts(db)))
    today = clock.today()
    for year in (today.year - 1, today.year, today.year + 1):
        settings.add_closures(db, manager, year_end_closure_days(year), "年末年始休業")
        settings.add_closures(db, manager, [dt.date(year, 8, d) for d in (13, 14, 15)], "夏季休業")
    saved = {(p.details.profile_key, p.details.code) for p in settings.list_plans(db)}
    for plan in DEMO_PLANS:
        if (plan.profile_key, plan.code) not in saved:
            settings.save_plan(db, manager, None, plan, expected_version=None)
    saved = {(o.details.profile_key, o.details.code) for o in settings.list_options(db)}
    for option in DEMO_OPTIONS:
        if (option.profile_key, option.code) not in saved:
            settings.save_option(db, manager, None, option, expected_version=None)
    insert_customers(db, manager, [demo_customer(rng) for _ in range(customers)])
    count = demo_applications(db, manager, _clerk, rng, today)
    return DemoSummary(customers, len(DEMO_PLANS), len(DEMO_OPTIONS), count)


def _papers(draft: CustomerDraft, received_on: dt.date, channel: Channel,
            rng: random.Random) -> tuple[DocumentEntry, ...]:
    kinds = [IdentityKind.DRIVERS_LICENSE, IdentityKind.PASSPORT, IdentityKind.HEALTH_INSURANCE,
             IdentityKind.MY_NUMBER_CARD]
    identity = rng.choice(kinds)
    papers = [DocumentEntry(DocumentKind.IDENTITY, received_on, identity,
                            "" if identity is IdentityKind.MY_NUMBER_CARD else f"{rng.randint(0, 9999):04d}")]
    if channel is not Channel.ONLINE:
        papers.insert(0, DocumentEntry(DocumentKind.APPLICATION_FORM, received_on))
    if draft.kind is CustomerKind.CORPORATE:
        papers.append(DocumentEntry(DocumentKind.REGISTRY, received_on))
    return tuple(papers)


def demo_applications(db: Database, manager: Actor, clerk: Actor, rng: random.Random, today: dt.date) -> int:
    """Applications at every status (受付, 書類待ち, 審査中, 承諾, 不承諾, 取下げ), taken in and
    decided through the services as the office would, so the audit log tells their story."""
    from reseller_desk.services import applications as apps

    plans = {p.details.code: p.id for p in settings.list_plans(db)}
    options = {o.details.code: o.id for o in settings.list_options(db)}

    def take_in(profile: str, plan: str, channel: Channel, days_ago: int, *, papers: bool = True,
                option_codes: tuple[str, ...] = (), payment: PaymentMethod = PaymentMethod.TRANSFER,
                lines: int = 1) -> ApplicationDetail:
        applicant = demo_customer(rng)
        received = today - dt.timedelta(days=days_ago)
        account = None
        if payment is PaymentMethod.DEBIT:
            account = BankAccountDetails("0009", "", "219", "", "普通", f"{rng.randint(1, 9_999_999):07d}",
                                         applicant.name_kana.replace(" ", "")[:30])
        draft = ApplicationDraft(channel=channel, received_on=received, profile_key=profile, plan_id=plans[plan],
                                 option_ids=tuple(options[c] for c in option_codes), lines=lines,
                                 payment_method=payment, debit_account=account,
                                 documents=_papers(applicant, received, channel, rng) if papers else ())
        return apps.create_application(db, clerk, apps.ApplicationInput(draft, applicant=applicant), today=today)

    # Each step passes the version the step before it returned, as a screen would.
    def screen(detail: ApplicationDetail) -> ApplicationDetail:
        return apps.start_screening(db, clerk, detail.id, expected_version=detail.row_version)

    def answer(detail: ApplicationDetail, code: str, value: ScreeningAnswer, note: str) -> ApplicationDetail:
        return apps.answer_screening_item(db, clerk, detail.id, code, value, note, expected_version=detail.row_version)

    def clear_all(detail: ApplicationDetail) -> ApplicationDetail:
        detail = screen(detail)
        for item in detail.checklist:
            if item.answer is not ScreeningAnswer.CLEAR:
                detail = answer(detail, item.code, ScreeningAnswer.CLEAR, "書類・ヒアリングで確認")
        return detail

    def letter(detail: ApplicationDetail, step: IdentityLetterResult, days_ago: int) -> ApplicationDetail:
        return apps.record_identity_letter(db, clerk, detail.id, step, expected_version=detail.row_version,
                                           on=today - dt.timedelta(days=days_ago), today=today)

    count = 0
    # 承諾: SC by post with 口座振替, and SH with the identity letter confirmed and a 開通日.
    approved = clear_all(take_in("simpleconnect", "SC-STANDARD", Channel.POST, 20, option_codes=("SC-REC", "SC-IVR"),
                                 payment=PaymentMethod.DEBIT, lines=3))
    apps.approve_application(db, manager, approved.id, expected_version=approved.row_version,
                             decided_on=today - dt.timedelta(days=15), today=today)
    sh_approved = take_in("sokujitsu", "SH-BUSINESS", Channel.FAX, 18, option_codes=("SH-NUM",), lines=2)
    sh_approved = clear_all(letter(letter(sh_approved, IdentityLetterResult.SENT, 16), IdentityLetterResult.CONFIRMED,
                                   13))
    apps.approve_application(db, manager, sh_approved.id, expected_version=sh_approved.row_version,
                             decided_on=today - dt.timedelta(days=10), opened_on=today - dt.timedelta(days=7),
                             today=today)
    # 不承諾: a line 該当 with the internal note that never reaches the applicant.
    refused = answer(screen(take_in("sokujitsu", "SH-LIGHT", Channel.POST, 14)), "1", ScreeningAnswer.HIT,
                     "他社での料金滞納を本人が申告")
    apps.refuse_application(db, manager, refused.id, "料金滞納の申告あり（SH §14.2(1)）。",
                            expected_version=refused.row_version, today=today, decided_on=today - dt.timedelta(days=9))
    # 取下げ: withdrawn by the applicant before the decision (SC).
    withdrawn = take_in("simpleconnect", "SC-BASIC", Channel.ONLINE, 12)
    apps.withdraw_application(db, clerk, withdrawn.id, expected_version=withdrawn.row_version,
                              on=today - dt.timedelta(days=11), today=today)
    # 審査中: screening started, some lines still to answer; an SH one waiting for its letter.
    screen(take_in("simpleconnect", "SC-BASIC", Channel.ONLINE, 6, option_codes=("SC-NUM",)))
    screen(letter(take_in("sokujitsu", "SH-LIGHT", Channel.POST, 5), IdentityLetterResult.SENT, 4))
    # 書類待ち and 受付.
    take_in("sokujitsu", "SH-LIGHT", Channel.FAX, 3, papers=False)
    take_in("simpleconnect", "SC-STANDARD", Channel.POST, 1, payment=PaymentMethod.DEBIT)
    take_in("simpleconnect", "SC-F2F", Channel.COUNTER, 0)
    count = 9
    return count
