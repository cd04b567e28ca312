"""The top of the application window: the number, the status as a coloured badge and what is
missing, and the banner that says what just happened. A banner belongs to the status it was
shown for: once the application has another status it is taken down, so it never contradicts
the header (e.g. 「書類待ち。不足書類…」 after the papers are complete)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from reseller_desk.services.applications import ApplicationDetail
from reseller_desk.ui.application_model import STATUS_COLORS
from reseller_desk.ui.widgets import ERROR_COLOR, WARNING_COLOR, format_date

GREEN_FRAME = "QFrame#notice { background: #e8f5e9; border: 1px solid #2e7d32; border-radius: 4px; }"
RED_FRAME = "QFrame#notice { background: #ffebee; border: 1px solid #c62828; border-radius: 4px; }"


class ApplicationHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.number_label = QLabel()
        self.number_label.setObjectName("applicationNumber")
        self.number_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.status_label = QLabel()
        self.status_label.setObjectName("applicationStatus")
        self.info_label = QLabel()
        self.info_label.setObjectName("applicationInfo")
        self.info_label.setWordWrap(True)
        row.addWidget(self.number_label)
        row.addWidget(self.status_label)
        row.addWidget(self.info_label, 1)

    def show_new(self) -> None:
        self.number_label.setText("新規受付")
        self.status_label.setText("")
        self.status_label.setStyleSheet("")
        self.info_label.setText("")

    def show_detail(self, detail: ApplicationDetail) -> None:
        self.number_label.setText(detail.number)
        color = STATUS_COLORS.get(detail.status, "#000000")
        self.status_label.setText(detail.status_label)
        self.status_label.setStyleSheet(f"color: white; background: {color}; border-radius: 3px; padding: 2px 8px;"
                                        "font-weight: bold;")
        info = [escape(f"{detail.profile_name}・{detail.plan_name}")]
        if detail.missing_documents:
            missing = escape("・".join(detail.missing_documents))
            info.append(f"<span style='color:{WARNING_COLOR}'>不足書類: {missing}</span>")
        if detail.withdrawal_requested_on:
            info.append(f"<span style='color:{ERROR_COLOR}'>取下げの申し出あり"
                        f"（{format_date(detail.withdrawal_requested_on)}）</span>")
        self.info_label.setText("　".join(info))


class Banner(QFrame):
    """What just happened (green) or what needs attention (red), with × to close it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        layout = QHBoxLayout(self)
        self.label = QLabel()
        self.label.setObjectName("banner")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        close = QPushButton("×")
        close.setFixedWidth(28)
        close.setFlat(True)
        close.setToolTip("このお知らせを閉じる")
        close.clicked.connect(self.take_down)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.status: str | None = None
        self.setVisible(False)

    def put_up(self, text: str, *, status: str | None, warning: bool = False) -> None:
        self.setStyleSheet(RED_FRAME if warning else GREEN_FRAME)
        self.label.setStyleSheet("font-weight: bold;" if warning else "")
        self.label.setText(text)
        self.status = status
        self.setVisible(True)

    def take_down(self) -> None:
        self.setVisible(False)
        self.status = None

    def follow(self, status: str) -> None:
        """The application now has ``status``: a banner shown for another one goes."""
        if self.isVisible() and self.status not in (None, status):
            self.take_down()
