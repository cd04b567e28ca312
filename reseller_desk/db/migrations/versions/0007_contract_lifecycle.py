"""contract lifecycle: what a contract consists of from which month, its numbers, 特約,
timeline, suspensions, endings, successions, and the one-time charges billing reads

- ``contract_plan_periods`` / ``contract_option_periods``: the plan and lines, and each option
  with its quantity, from a month to a month (history, never rewritten). ``contracts.plan_id``,
  ``contracts.lines`` and ``contract_options`` move into them: each existing contract gets one
  plan period and one period per option (quantity 1), from the month it was formed.
- ``contract_numbers`` (one per line, held by one live contract at a time), ``special_agreements``
  (特約, SC §1.3), ``contract_events`` (the timeline), ``suspensions``, ``contract_endings``,
  ``successions`` and ``one_time_charges``.
- ``contracts``: ``application_id`` may be empty (a contract brought in by the import has no
  application), and so may ``notices.application_id``; new ``last_billable_month``, ``ends_on``,
  ``accelerated_on``, ``service_data_deletion_due``, ``import_key``; ``status`` widens to 30
  characters (解約予定 is ``cancellation_scheduled``). An existing 利用中 contract without a first
  billable month (accepted under SH before its line was opened) becomes 開通待ち, which is what it is.
- Every existing contract's timeline starts with its 契約成立 (and its 取消 if revoked).
- ``company_settings.early_termination_tax``: the tax category of the 契約解除料, 不課税 by default.

Revision ID: 0007_contract_lifecycle
Revises: 0006_row_versions
Create Date: 2026-12-09 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_contract_lifecycle'
down_revision = '0006_row_versions'
branch_labels = None
depends_on = None


def _contract_fk(table: str) -> sa.Column:
    return sa.Column('contract_id', sa.Integer(),
                     sa.ForeignKey('contracts.id', ondelete='CASCADE', name=op.f(f'fk_{table}_contract_id_contracts')),
                     nullable=False)


def _fk(table: str, column: str, target: str, nullable: bool = True) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey(f'{target}.id', name=op.f(f'fk_{table}_{column}_{target}')),
                     nullable=nullable)


def _recorded(table: str) -> list[sa.Column]:
    return [sa.Column('recorded_at', sa.DateTime(), nullable=False), _fk(table, 'recorded_by_id', 'staff_users')]


def _table(name: str, *columns: sa.Column | sa.UniqueConstraint) -> sa.Table:
    """A table with its ``id`` and, last, who recorded each row and when."""
    return op.create_table(name, sa.Column('id', sa.Integer(), nullable=False), *columns, *_recorded(name),
                           sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')))


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(op.f(f'ix_{table}_{columns[0]}'), table, list(columns), unique=unique)


def _create_tables() -> None:
    _table('contract_plan_periods', _contract_fk('contract_plan_periods'),
           _fk('contract_plan_periods', 'plan_id', 'plans', nullable=False),
           sa.Column('lines', sa.Integer(), nullable=False),
           sa.Column('from_month', sa.Date(), nullable=False), sa.Column('until_month', sa.Date(), nullable=True),
           sa.UniqueConstraint('contract_id', 'from_month', name=op.f('uq_contract_plan_periods_contract_id')))
    _index('contract_plan_periods', 'contract_id')
    _index('contract_plan_periods', 'plan_id')
    _table('contract_option_periods', _contract_fk('contract_option_periods'),
           _fk('contract_option_periods', 'option_id', 'plan_options', nullable=False),
           sa.Column('quantity', sa.Integer(), nullable=False),
           sa.Column('from_month', sa.Date(), nullable=False), sa.Column('until_month', sa.Date(), nullable=True),
           sa.UniqueConstraint('contract_id', 'option_id', 'from_month',
                               name=op.f('uq_contract_option_periods_contract_id')))
    _index('contract_option_periods', 'contract_id')
    _index('contract_option_periods', 'option_id')
    _table('contract_numbers', _contract_fk('contract_numbers'),
           sa.Column('number', sa.String(20), nullable=False), sa.Column('assigned_on', sa.Date(), nullable=False),
           sa.Column('released_on', sa.Date(), nullable=True))
    _index('contract_numbers', 'contract_id')
    op.create_index('uq_contract_numbers_held', 'contract_numbers', ['number'], unique=True,
                    sqlite_where=sa.text('released_on IS NULL'), postgresql_where=sa.text('released_on IS NULL'))
    _table('special_agreements', _contract_fk('special_agreements'),
           sa.Column('subject', sa.String(30), nullable=False),
           _fk('special_agreements', 'option_id', 'plan_options'),
           sa.Column('monthly_fee', sa.Integer(), nullable=True), sa.Column('condition', sa.Text(), nullable=False),
           sa.Column('document', sa.String(20), nullable=False),
           sa.Column('document_number', sa.String(50), nullable=False),
           sa.Column('from_month', sa.Date(), nullable=False), sa.Column('until_month', sa.Date(), nullable=True))
    _index('special_agreements', 'contract_id')
    _table('contract_events', _contract_fk('contract_events'),
           sa.Column('kind', sa.String(30), nullable=False), sa.Column('action', sa.String(30), nullable=True),
           sa.Column('from_status', sa.String(30), nullable=True),
           sa.Column('to_status', sa.String(30), nullable=True),
           sa.Column('effective_on', sa.Date(), nullable=False), sa.Column('reason', sa.Text(), nullable=False),
           _fk('contract_events', 'notice_id', 'notices'))
    _index('contract_events', 'contract_id')
    _table('suspensions', _contract_fk('suspensions'),
           sa.Column('reason_code', sa.String(30), nullable=False), sa.Column('reason_text', sa.Text(), nullable=False),
           sa.Column('clause', sa.String(50), nullable=False), sa.Column('state', sa.String(20), nullable=False),
           sa.Column('noticed_on', sa.Date(), nullable=True), _fk('suspensions', 'notice_id', 'notices'),
           sa.Column('starts_on', sa.Date(), nullable=False), sa.Column('planned_end_on', sa.Date(), nullable=True),
           sa.Column('period_text', sa.String(100), nullable=False),
           sa.Column('emergency', sa.Boolean(), nullable=False),
           sa.Column('emergency_note', sa.Text(), nullable=False),
           sa.Column('started_on', sa.Date(), nullable=True), sa.Column('resumed_on', sa.Date(), nullable=True),
           sa.Column('row_version', sa.Integer(), nullable=False))
    for column in ('contract_id', 'state', 'starts_on'):
        _index('suspensions', column)
    _table('contract_endings', _contract_fk('contract_endings'),
           sa.Column('kind', sa.String(20), nullable=False), sa.Column('requested_on', sa.Date(), nullable=False),
           sa.Column('desired_month', sa.Date(), nullable=True), sa.Column('effective_on', sa.Date(), nullable=False),
           sa.Column('last_billable_month', sa.Date(), nullable=False),
           sa.Column('grounds_code', sa.String(30), nullable=False),
           sa.Column('grounds_text', sa.Text(), nullable=False), sa.Column('note', sa.Text(), nullable=False),
           sa.Column('early_termination_fee', sa.Integer(), nullable=False),
           sa.Column('accelerated', sa.Boolean(), nullable=False),
           sa.Column('service_data_deletion_due', sa.Date(), nullable=True),
           sa.Column('taken_effect', sa.Boolean(), nullable=False),
           sa.Column('superseded', sa.Boolean(), nullable=False))
    for column in ('contract_id', 'effective_on'):
        _index('contract_endings', column)
    _table('successions', _contract_fk('successions'),
           sa.Column('kind', sa.String(20), nullable=False), sa.Column('succeeded_on', sa.Date(), nullable=False),
           sa.Column('successor_name', sa.String(100), nullable=False),
           _fk('successions', 'successor_customer_id', 'customers'),
           _fk('successions', 'previous_customer_id', 'customers'),
           sa.Column('proof_deadline', sa.Date(), nullable=False), sa.Column('state', sa.String(20), nullable=False),
           sa.Column('documents_received_on', sa.Date(), nullable=True), sa.Column('note', sa.Text(), nullable=False),
           _fk('successions', 'notice_id', 'notices'), sa.Column('row_version', sa.Integer(), nullable=False))
    for column in ('contract_id', 'proof_deadline', 'state'):
        _index('successions', column)
    _table('one_time_charges', _fk('one_time_charges', 'customer_id', 'customers', nullable=False),
           _fk('one_time_charges', 'terms_profile_id', 'terms_profiles', nullable=False),
           _fk('one_time_charges', 'contract_id', 'contracts'),
           sa.Column('billing_month', sa.Date(), nullable=False), sa.Column('kind', sa.String(30), nullable=False),
           sa.Column('description', sa.String(200), nullable=False),
           sa.Column('quantity', sa.Integer(), nullable=False), sa.Column('unit_amount', sa.Integer(), nullable=False),
           sa.Column('amount', sa.Integer(), nullable=False), sa.Column('tax_category', sa.String(20), nullable=False),
           sa.Column('source', sa.String(30), nullable=False), sa.Column('source_id', sa.Integer(), nullable=True),
           sa.Column('immediate', sa.Boolean(), nullable=False), sa.Column('note', sa.Text(), nullable=False),
           sa.Column('invoice_id', sa.Integer(), nullable=True))
    for column in ('customer_id', 'contract_id', 'billing_month', 'invoice_id'):
        _index('one_time_charges', column)


def _carry_over(conn: sa.engine.Connection) -> None:
    """Every existing contract: its plan and lines, its options, and the start of its timeline."""
    contracts = sa.table('contracts', sa.column('id'), sa.column('plan_id'), sa.column('lines'),
                         sa.column('status'), sa.column('formed_on', sa.Date), sa.column('revoked_on', sa.Date),
                         sa.column('first_billable_month', sa.Date), sa.column('created_at', sa.DateTime),
                         sa.column('created_by_id'))
    options = sa.table('contract_options', sa.column('contract_id'), sa.column('option_id'))
    plan_periods = sa.table('contract_plan_periods', sa.column('contract_id'), sa.column('plan_id'),
                            sa.column('lines'), sa.column('from_month', sa.Date), sa.column('recorded_at'),
                            sa.column('recorded_by_id'))
    option_periods = sa.table('contract_option_periods', sa.column('contract_id'), sa.column('option_id'),
                              sa.column('quantity'), sa.column('from_month', sa.Date), sa.column('recorded_at'),
                              sa.column('recorded_by_id'))
    events = sa.table('contract_events', sa.column('contract_id'), sa.column('kind'), sa.column('action'),
                      sa.column('from_status'), sa.column('to_status'), sa.column('effective_on', sa.Date),
                      sa.column('reason'), sa.column('recorded_at'), sa.column('recorded_by_id'))
    rows = conn.execute(sa.select(contracts)).all()
    held = {}
    for contract_id, option_id in conn.execute(sa.select(options.c.contract_id, options.c.option_id)):
        held.setdefault(contract_id, []).append(option_id)
    for c in rows:
        formed_month = c.formed_on.replace(day=1)
        recorded = dict(recorded_at=c.created_at, recorded_by_id=c.created_by_id)
        conn.execute(plan_periods.insert().values(contract_id=c.id, plan_id=c.plan_id, lines=c.lines,
                                                  from_month=formed_month, **recorded))
        for option_id in sorted(held.get(c.id, [])):
            conn.execute(option_periods.insert().values(contract_id=c.id, option_id=option_id, quantity=1,
                                                        from_month=formed_month, **recorded))
        status = c.status
        if status == 'active' and c.first_billable_month is None:
            status = 'awaiting_opening'
            conn.execute(contracts.update().where(contracts.c.id == c.id).values(status=status))
        first = 'active' if c.first_billable_month is not None or c.status == 'revoked' else 'awaiting_opening'
        conn.execute(events.insert().values(contract_id=c.id, kind='formed', action=None, from_status=None,
                                            to_status=first, effective_on=c.formed_on, reason='', **recorded))
        if c.status == 'revoked':
            conn.execute(events.insert().values(contract_id=c.id, kind='revoked', action='revoke',
                                                from_status=first, to_status='revoked',
                                                effective_on=c.revoked_on or c.formed_on,
                                                reason='郵送による本人確認ができなかった', **recorded))


def upgrade() -> None:
    _create_tables()
    conn = op.get_bind()
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.alter_column('status', type_=sa.String(30), existing_type=sa.String(20), existing_nullable=False)
        batch_op.add_column(sa.Column('last_billable_month', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('accelerated_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('service_data_deletion_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('import_key', sa.String(64), nullable=True))
        batch_op.create_unique_constraint(op.f('uq_contracts_import_key'), ['import_key'])
        batch_op.create_index(op.f('ix_contracts_status'), ['status'], unique=False)
    _carry_over(conn)
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.alter_column('application_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f('fk_contracts_plan_id_plans'), type_='foreignkey')
        batch_op.drop_column('plan_id')
        batch_op.drop_column('lines')
    op.drop_table('contract_options')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.alter_column('application_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(op.f('ix_notices_contract_id'), ['contract_id'], unique=False)
    with op.batch_alter_table('company_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('early_termination_tax', sa.String(20), nullable=False,
                                      server_default='outside'))
    with op.batch_alter_table('company_settings', schema=None) as batch_op:
        batch_op.alter_column('early_termination_tax', server_default=None)


TABLES = ('one_time_charges', 'successions', 'contract_endings', 'suspensions', 'contract_events',
          'special_agreements', 'contract_numbers', 'contract_option_periods', 'contract_plan_periods')


def downgrade() -> None:
    """Back to one plan, one number of lines and a set of options per contract: the ones of its
    latest period (the history and the rest are lost, which is what going back to 0006 means)."""
    conn = op.get_bind()
    op.create_table('contract_options',
                    sa.Column('contract_id', sa.Integer(), nullable=False),
                    sa.Column('option_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], ondelete='CASCADE',
                                            name=op.f('fk_contract_options_contract_id_contracts')),
                    sa.ForeignKeyConstraint(['option_id'], ['plan_options.id'],
                                            name=op.f('fk_contract_options_option_id_plan_options')),
                    sa.PrimaryKeyConstraint('contract_id', 'option_id', name=op.f('pk_contract_options')))
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lines', sa.Integer(), nullable=False, server_default='1'))
    periods = sa.table('contract_plan_periods', sa.column('contract_id'), sa.column('plan_id'),
                       sa.column('lines'), sa.column('from_month', sa.Date))
    contracts = sa.table('contracts', sa.column('id'), sa.column('plan_id'), sa.column('lines'),
                         sa.column('status'))
    latest = {}
    for row in conn.execute(sa.select(periods).order_by(periods.c.from_month)):
        latest[row.contract_id] = row
    for contract_id, row in latest.items():
        conn.execute(contracts.update().where(contracts.c.id == contract_id)
                     .values(plan_id=row.plan_id, lines=row.lines))
    conn.execute(contracts.update().where(contracts.c.status.not_in(['active', 'revoked']))
                 .values(status='active'))
    conn.execute(sa.text("INSERT INTO contract_options (contract_id, option_id) SELECT DISTINCT contract_id, "
                         "option_id FROM contract_option_periods WHERE until_month IS NULL"))
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.alter_column('plan_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('lines', server_default=None)
        batch_op.create_foreign_key(op.f('fk_contracts_plan_id_plans'), 'plans', ['plan_id'], ['id'])
        batch_op.drop_index(op.f('ix_contracts_status'))
        batch_op.drop_constraint(op.f('uq_contracts_import_key'), type_='unique')
        for column in ('import_key', 'service_data_deletion_due', 'accelerated_on', 'ends_on',
                       'last_billable_month'):
            batch_op.drop_column(column)
        batch_op.alter_column('status', type_=sa.String(20), existing_type=sa.String(30), existing_nullable=False)
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(op.f('ix_notices_contract_id'))
    with op.batch_alter_table('company_settings', schema=None) as batch_op:
        batch_op.drop_column('early_termination_tax')
    op.drop_index('uq_contract_numbers_held', table_name='contract_numbers')
    for table in TABLES:
        op.drop_table(table)
