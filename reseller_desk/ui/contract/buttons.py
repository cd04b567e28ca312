"""What the contract window's action buttons say: their text, their tooltip, and why one that
its status allows cannot succeed for this staff member (it is then disabled, saying why); and
the items of its 「変更」 menu (their dialogs: ui.contract.changes), shown while it is live."""

from __future__ import annotations

from reseller_desk.domain.contract import LIVE_STATUSES, ContractAction, ContractStatus

BUTTON_TEXT = {
    ContractAction.OPEN: "開通…", ContractAction.SUSPEND: "利用停止…", ContractAction.RESUME: "利用再開…",
    ContractAction.ACCEPT_CANCELLATION: "解約の受付…", ContractAction.CANCELLATION_TAKES_EFFECT: "解約の発効…",
    ContractAction.TERMINATE: "強制解約…", ContractAction.DEATH: "死亡による終了…", ContractAction.REVOKE: "取消…",
}
BUTTON_TIPS = {
    ContractAction.OPEN: "開通日を記録して利用中にします（SH §17）",
    ContractAction.SUSPEND: "約款の停止事由により利用を停止します",
    ContractAction.RESUME: "利用停止を解除し、利用再開通知書を発行します",
    ContractAction.ACCEPT_CANCELLATION: "お客様からの解約の申し出を受け付けます（SC §23、SH §26）",
    ContractAction.CANCELLATION_TAKES_EFFECT: "解約日を過ぎた解約予定の契約を解約済にします",
    ContractAction.TERMINATE: "約款の解除事由により契約を解除します（管理者のみ）",
    ContractAction.DEATH: "個人のお客様の死亡により契約を終了します（SH §20.2）",
}
#: The identity check's revocation (SH §14.2(7)) is recorded on the application.
REVOKE_ELSEWHERE = "取消は申込の画面で本人確認の結果を記録して行います（SH §14.2(7)）。"
MANAGER_ONLY = "強制解約は管理者のみが行えます。"


def button_text(action: ContractAction) -> str:
    return BUTTON_TEXT[action]


def button_tip(action: ContractAction) -> str:
    return BUTTON_TIPS.get(action, "")


def unavailable_reason(action: ContractAction, manager: bool) -> str | None:
    """Why the button of an allowed action cannot succeed for this staff member (disabled, with
    this as its tooltip), or None."""
    if action is ContractAction.REVOKE:
        return REVOKE_ELSEWHERE
    if action is ContractAction.TERMINATE and not manager:
        return MANAGER_ONLY
    return None


#: (key, text) of the 「変更」 menu, in its order (the dialogs: ui.contract.changes.DIALOGS).
CHANGE_ITEMS = (
    ("plan", "プラン変更…"), ("lines", "回線数の変更…"), ("add_option", "オプション追加…"),
    ("end_option", "オプション終了…"), ("agreement", "特約の登録…"), ("numbers", "電話番号…"),
    ("succession", "地位承継の届出…"),
)


def changes_allowed(status: ContractStatus) -> bool:
    """The 「変更」 menu is shown while the contract is live, never at a final status."""
    return status in LIVE_STATUSES
