"""issued notice PDFs: store the PDF of every notice issued before PDFs were stored

Data only, no schema change. From this version on a notice keeps the PDF bytes it was issued
as (``notices.pdf``, added by 0003), and printing it again returns exactly those bytes. The
notices issued earlier were rendered afresh on every print; this revision renders each of them
once, from its stored content, and stores the bytes, so that from now on they too print the
same whatever later versions change.

It imports code of the application — ``reseller_desk.domain.notices.from_json`` and
``reseller_desk.reports.notices.render_notice`` — inside ``upgrade()`` and only when a notice
needs it: there is no other way to produce the PDF, and a later version that renames them must
keep this revision working (or leave these notices without PDF, see below). A notice that
cannot be rendered (its content is unreadable, or cannot be laid out) is left with ``pdf``
NULL and logged rather than making the database impossible to open; the application then
renders it from its content when it is printed.

Revision ID: 0004_issued_notice_pdfs
Revises: 0003_solid_ground
Create Date: 2026-12-01 12:00:00
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0004_issued_notice_pdfs'
down_revision = '0003_solid_ground'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    conn = op.get_bind()
    notices = sa.table('notices', sa.column('id'), sa.column('number'), sa.column('document_json'),
                       sa.column('pdf', sa.LargeBinary))
    pending = conn.execute(sa.select(notices.c.id, notices.c.number, notices.c.document_json)
                           .where(notices.c.pdf.is_(None)).order_by(notices.c.id)).all()
    if not pending:
        return
    from reseller_desk.domain.notices import from_json
    from reseller_desk.reports.notices import render_notice

    for row in pending:
        try:
            pdf = render_notice(from_json(row.document_json))
        except Exception:  # noqa: BLE001 (one bad notice must not keep the database closed)
            log.exception("通知書 %s のPDFを作成できませんでした（印刷時に内容から作成します）", row.number)
            continue
        conn.execute(notices.update().where(notices.c.id == row.id).values(pdf=pdf))


def downgrade() -> None:
    """Nothing to undo: 0003 drops the column."""
