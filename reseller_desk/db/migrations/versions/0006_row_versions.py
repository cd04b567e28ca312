"""row versions: every table the office edits in place refuses a stale save

Customers and applications had a ``row_version`` (SQLAlchemy's version counter) from the
start; the other tables a service changes in place get one here, so that a save whose screen
showed an older version is refused instead of overwriting another clerk's change:
``company_settings``, ``bank_accounts``, ``plans``, ``plan_options``, ``staff_users``,
``screening_items`` and ``contracts``. Existing rows start at 1 (the column's default).

``bank_accounts`` is saved as a whole against the (id, version) of every account the screen
showed, so an id must never come back after its row was deleted: on SQLite the table is
rebuilt with AUTOINCREMENT (PostgreSQL's sequences never hand out a value twice).

Revision ID: 0006_row_versions
Revises: 0005_accounts_and_demo_mark
Create Date: 2026-12-08 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_row_versions'
down_revision = '0005_accounts_and_demo_mark'
branch_labels = None
depends_on = None

#: The tables that get their row version here (customers and applications have theirs).
TABLES = ('company_settings', 'bank_accounts', 'plans', 'plan_options', 'staff_users', 'screening_items',
          'contracts')


def _row_version() -> sa.Column:
    return sa.Column('row_version', sa.Integer(), nullable=False, server_default=sa.text('1'))


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in TABLES:
        rebuilt = table == 'bank_accounts' and sqlite
        with op.batch_alter_table(table, recreate='always' if rebuilt else 'auto',
                                  table_kwargs={'sqlite_autoincrement': True} if rebuilt else {}) as batch_op:
            batch_op.add_column(_row_version())


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('row_version')
