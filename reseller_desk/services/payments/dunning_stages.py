"""The stages of 督促, as data in 設定 → 督促 (issue 12): each is reached ``days_after_due`` days
after an invoice's due date and issues a 督促状, a 催告書 naming a suspension date
``suspension_days`` after it, or makes the customer a suspension candidate for the contract
lifecycle (SH §23.2 notice there).

The list is saved as a whole against the (id, version) of every stage the screen showed, as the
transfer accounts are (services.settings.save_bank_accounts): a stage keeps its id (the letters
issued at it refer to it), a stage left out is deleted unless letters were issued at it (then it
can only be made inactive).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import DunningLetter, DunningStage
from reseller_desk.domain.bounds import is_record_id, number_problem
from reseller_desk.domain.payments import DunningAction
from reseller_desk.domain.text import clean_line
from reseller_desk.services import audit, versions
from reseller_desk.services.contracts.acting import text_problem
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["DAYS_MAX", "MAX_STAGES", "NAME_MAX", "STAGES", "SUSPENSION_DAYS_MAX", "StageDraft", "StageRecord",
           "dunning_stages", "save_dunning_stages", "stage_versions", "stages_in"]

#: A stage is reached 1 to 365 days after the due date: a year late is beyond any dunning.
DAYS_MAX = 365
#: A 催告書 gives 1 to 60 days before the suspension.
SUSPENSION_DAYS_MAX = 60
NAME_MAX = 50           # dunning_stages.name
MAX_STAGES = 10
STAGES = versions.Versioned("督促の段階", "dunning_stages")


@dataclass(frozen=True)
class StageDraft:
    """A stage as the 設定 screen edits it; ``id`` None for a new one. Its position is its place
    in the list."""

    name: str
    days_after_due: int
    action: DunningAction
    suspension_days: int | None = None
    active: bool = True
    id: int | None = None


@dataclass(frozen=True)
class StageRecord:
    id: int
    position: int
    name: str
    days_after_due: int
    action: DunningAction
    suspension_days: int | None
    active: bool
    row_version: int
    letters_issued: int = 0

    def draft(self) -> StageDraft:
        return StageDraft(self.name, self.days_after_due, self.action, self.suspension_days, self.active, self.id)


def _rows(session: Session) -> list[DunningStage]:
    return list(session.scalars(select(DunningStage).order_by(DunningStage.position, DunningStage.id)))


def stages_in(session: Session) -> list[StageRecord]:
    """Every stage, in order, with how many letters were issued at it."""
    issued = dict(session.execute(select(DunningLetter.stage_id, func.count()).group_by(DunningLetter.stage_id))
                  .tuples().all())
    return [StageRecord(r.id, r.position, r.name, r.days_after_due, DunningAction(r.action), r.suspension_days,
                        bool(r.active), r.row_version, int(issued.get(r.id, 0))) for r in _rows(session)]


def dunning_stages(db: Database) -> list[StageRecord]:
    with db.transaction() as session:
        return stages_in(session)


def stage_versions(stages: Sequence[StageRecord]) -> dict[int, int]:
    return {s.id: s.row_version for s in stages}


def _draft_problems(index: int, draft: object) -> tuple[dict[str, str], StageDraft | None]:
    if not isinstance(draft, StageDraft):
        return {f"{index}.name": "段階の内容が正しく渡されていません。"}, None
    problems = {
        "name": text_problem(draft.name, "段階の名前", NAME_MAX, required=True),
        "days_after_due": number_problem(draft.days_after_due, "期日からの日数", 1, DAYS_MAX, "日"),
        "action": None if isinstance(draft.action, str) and draft.action in set(DunningAction)
        else "段階の処理を一覧から選んでください。",
        "active": None if isinstance(draft.active, bool) else "有効・無効を選んでください。",
        "id": None if draft.id is None or is_record_id(draft.id)
        else "段階が見つかりません。一覧を読み込み直してください。",
    }
    suspension_days = None
    if draft.action == DunningAction.FINAL_DEMAND:
        problems["suspension_days"] = number_problem(draft.suspension_days, "利用停止までの日数", 1,
                                                     SUSPENSION_DAYS_MAX, "日")
        suspension_days = draft.suspension_days
    found = {f"{index}.{k}": v for k, v in problems.items() if v}
    if found:
        return found, None
    return {}, StageDraft(clean_line(draft.name), int(draft.days_after_due), DunningAction(draft.action),
                          int(suspension_days) if suspension_days is not None else None, draft.active, draft.id)


def _order_problems(drafts: Sequence[StageDraft]) -> dict[str, str]:
    """Days strictly increasing with position; at most one 催告書, and it comes before any
    suspension stage."""
    problems: dict[str, str] = {}
    for i in range(1, len(drafts)):
        if drafts[i].days_after_due <= drafts[i - 1].days_after_due:
            problems[f"{i}.days_after_due"] = (f"期日からの日数は前の段階（{drafts[i - 1].days_after_due}日）"
                                               "より多くしてください。")
    finals = [i for i, d in enumerate(drafts) if d.action == DunningAction.FINAL_DEMAND]
    for i in finals[1:]:
        problems[f"{i}.action"] = "催告書の段階は一つだけにしてください。"
    suspensions = [i for i, d in enumerate(drafts) if d.action == DunningAction.SUSPENSION]
    if finals and suspensions and suspensions[0] < finals[0]:
        problems[f"{finals[0]}.action"] = "催告書の段階は利用停止候補の段階より前に置いてください。"
    return problems


def _cleaned(stages: object) -> list[StageDraft]:
    if not isinstance(stages, (list, tuple)):
        raise ValidationFailed({"stages": "督促の段階の一覧が正しく渡されていません。"})
    if not 1 <= len(stages) <= MAX_STAGES:
        raise ValidationFailed({"stages": f"督促の段階は1〜{MAX_STAGES}件にしてください。"})
    problems: dict[str, str] = {}
    drafts: list[StageDraft] = []
    for index, draft in enumerate(stages):
        found, cleaned = _draft_problems(index, draft)
        problems.update(found)
        if cleaned is not None:
            drafts.append(cleaned)
    if problems:
        raise ValidationFailed(problems)
    ids = [d.id for d in drafts if d.id is not None]
    if len(ids) != len(set(ids)):
        raise ValidationFailed({"stages": "同じ段階が二度含まれています。一覧を読み込み直してください。"})
    problems = _order_problems(drafts)
    if problems:
        raise ValidationFailed(problems)
    return drafts


def _same(rows: Sequence[DunningStage], expected: object) -> bool:
    if not isinstance(expected, Mapping) or len(expected) != len(rows):
        return False
    return all(r.id in expected and versions.matches(r.row_version, expected[r.id]) for r in rows)


def _as_dict(d: StageDraft | DunningStage) -> dict[str, object]:
    return {"id": d.id, "name": d.name, "days_after_due": d.days_after_due, "action": str(d.action),
            "suspension_days": d.suspension_days, "active": bool(d.active)}


@retried
def save_dunning_stages(db: Database, actor: Actor, stages: Sequence[StageDraft], *,
                        expected_versions: Mapping[int, int]) -> list[StageRecord]:
    """Replace the stages by ``stages`` in this order (managers only); errors keyed "row.field".
    A stage changed, added or removed since the screen read the list is a ConcurrentEdit; a
    stage at which letters were issued cannot be removed (make it inactive)."""
    require_role(actor, Role.MANAGER, action="督促の段階の変更")
    drafts = _cleaned(stages)
    with versions.refusing_lost_updates(STAGES), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)
        rows = _rows(session)
        if not _same(rows, expected_versions):
            raise versions.stale(session, STAGES, None)
        by_id = {r.id: r for r in rows}
        if any(d.id is not None and d.id not in by_id for d in drafts):
            raise versions.stale(session, STAGES, None)
        before = [_as_dict(r) for r in rows]
        kept = {d.id for d in drafts}
        used = {s.id: s.letters_issued for s in stages_in(session)}
        removed = [r for r in rows if r.id not in kept]
        refused = {f"removed.{r.id}": f"「{r.name}」は督促状を発行済みのため削除できません。無効にしてください。"
                   for r in removed if used.get(r.id)}
        if refused:
            raise ValidationFailed(refused)
        if [_as_dict(d) for d in drafts] == before:
            return stages_in(session)
        for row in removed:
            session.delete(row)
        for offset, row in enumerate(r for r in rows if r.id in kept):   # out of the way of the unique positions
            row.position = -1 - offset
        session.flush()
        for position, draft in enumerate(drafts, start=1):
            row = by_id[draft.id] if draft.id is not None else DunningStage()
            row.position, row.name, row.days_after_due = position, draft.name, draft.days_after_due
            row.action, row.suspension_days, row.active = draft.action, draft.suspension_days, draft.active
            session.add(row)
        session.flush()
        saved = stages_in(session)
        audit.record(session, actor, "dunning_stages.save", "dunning_stages", None, before=before,
                     after=[_as_dict(r) for r in _rows(session)],
                     summary="督促の段階: " + "、".join(f"{s.name}（{s.days_after_due}日）" for s in saved))
        return saved
