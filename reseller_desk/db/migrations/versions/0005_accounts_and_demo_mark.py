"""accounts and the demo mark: password resets, failed log-ins in a row, demo databases

- ``staff_users.must_change_password``: a manager reset the password; the next log-in must
  choose a new one.
- ``staff_users.failed_logins`` and ``last_failed_login_at``: failed log-ins in a row, so that
  after five the log-in waits, growing (reset by a successful one).
- ``database_info``: one row saying what this database is. ``demo`` marks a demo database,
  whose accounts have public passwords; only such a database takes demo data, and a demo
  account logs into no other. A database made before this revision is marked demo when it has
  staff and every one of them is a demo account (what ``reseller-desk demo`` made); one with a
  real staff member is an office database, and the demo accounts put into it stop working.

Revision ID: 0005_accounts_and_demo_mark
Revises: 0004_issued_notice_pdfs
Create Date: 2026-12-01 18:00:00
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0005_accounts_and_demo_mark'
down_revision = '0004_issued_notice_pdfs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_failed_login_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.alter_column('must_change_password', server_default=None)
        batch_op.alter_column('failed_logins', server_default=None)
    info = op.create_table(
        'database_info',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('demo', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_database_info')),
    )
    conn = op.get_bind()
    staff = sa.table('staff_users', sa.column('id'), sa.column('demo_account', sa.Boolean))
    total = conn.execute(sa.select(sa.func.count()).select_from(staff)).scalar_one()
    demo_accounts = conn.execute(sa.select(sa.func.count()).select_from(staff)
                                 .where(staff.c.demo_account.is_(True))).scalar_one()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    op.bulk_insert(info, [{'id': 1, 'demo': bool(total) and demo_accounts == total, 'created_at': now}])


def downgrade() -> None:
    op.drop_table('database_info')
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('last_failed_login_at')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('must_change_password')
