"""billing: price changes from a month, bill runs, issued invoices and their lines, call charges

- ``price_changes``: a plan's or option's new price from a month (a price change never rewrites
  past months; the price a plan was created with stays in force before its first change).
- ``bill_runs`` and ``bill_run_problems``: every run of 月次請求, and each account or contract
  it skipped (with the reason) or failed on.
- ``invoices`` and ``invoice_lines``: issued invoices and credit invoices, frozen
  (``document_json``) and chained by SHA-256 (``previous_hash`` → ``content_hash``). A partial
  unique index allows one invoice per billing account and month that corrects nothing, so a run
  can never bill twice. Triggers refuse UPDATE and DELETE on both tables, on SQLite and on
  PostgreSQL: an issued invoice is corrected by a credit invoice, never edited.
- ``usage_imports`` and ``usage_records``: the providers' call charges, one row per call, keyed
  so that importing the same file twice adds nothing.
- ``company_settings``: ``collection_day`` (口座振替日, 25–31, default 27; SC §10.1) and
  ``invoice_issue_day`` (None: the first company business day of M+1).

Revision ID: 0008_billing
Revises: 0007_contract_lifecycle
Create Date: 2026-12-01 17:33:12
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_billing'
down_revision = '0007_contract_lifecycle'
branch_labels = None
depends_on = None

_FROZEN = ('invoices', 'invoice_lines')
_MESSAGE = 'issued invoices are never changed or deleted: issue a credit invoice (返還請求書)'


def _refuse_changes_to_issued_invoices() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE FUNCTION reseller_desk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION '{_MESSAGE} (%)', TG_TABLE_NAME; END $$")
        for table in _FROZEN:
            op.execute(f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION reseller_desk_refuse_change()")
        return
    for table in _FROZEN:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER {table}_frozen_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")


def _allow_changes_to_issued_invoices() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in _FROZEN:
            op.execute(f"DROP TRIGGER {table}_frozen ON {table}")
        op.execute("DROP FUNCTION reseller_desk_refuse_change()")
        return
    for table in _FROZEN:
        for event in ('update', 'delete'):
            op.execute(f"DROP TRIGGER {table}_frozen_{event}")


def upgrade() -> None:
    op.create_table('bill_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('billing_month', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('accounts_total', sa.Integer(), nullable=False),
    sa.Column('accounts_billed', sa.Integer(), nullable=False),
    sa.Column('accounts_already', sa.Integer(), nullable=False),
    sa.Column('accounts_skipped', sa.Integer(), nullable=False),
    sa.Column('accounts_failed', sa.Integer(), nullable=False),
    sa.Column('summary_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['started_by_id'], ['staff_users.id'], name=op.f('fk_bill_runs_started_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_runs'))
    )
    with op.batch_alter_table('bill_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bill_runs_billing_month'), ['billing_month'], unique=False)

    op.create_table('usage_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('billing_month', sa.Date(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('rows_imported', sa.Integer(), nullable=False),
    sa.Column('rows_dropped', sa.Integer(), nullable=False),
    sa.Column('total_amount', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by_id'], ['staff_users.id'],
                            name=op.f('fk_usage_imports_imported_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_imports'))
    )
    with op.batch_alter_table('usage_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_imports_billing_month'), ['billing_month'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(10), nullable=False),
    sa.Column('billing_month', sa.Date(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('terms_profile_id', sa.Integer(), nullable=False),
    sa.Column('bill_run_id', sa.Integer(), nullable=True),
    sa.Column('corrects_invoice_id', sa.Integer(), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('payment_method', sa.String(20), nullable=False),
    sa.Column('customer_name', sa.String(length=100), nullable=False),
    sa.Column('customer_codes', sa.Text(), nullable=False),
    sa.Column('taxable_10', sa.Integer(), nullable=False),
    sa.Column('tax_10', sa.Integer(), nullable=False),
    sa.Column('taxable_8', sa.Integer(), nullable=False),
    sa.Column('tax_8', sa.Integer(), nullable=False),
    sa.Column('exempt', sa.Integer(), nullable=False),
    sa.Column('outside', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('carried_forward', sa.Integer(), nullable=False),
    sa.Column('document_json', sa.Text(), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['bill_run_id'], ['bill_runs.id'], name=op.f('fk_invoices_bill_run_id_bill_runs')),
    sa.ForeignKeyConstraint(['corrects_invoice_id'], ['invoices.id'],
                            name=op.f('fk_invoices_corrects_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_invoices_customer_id_customers')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['staff_users.id'], name=op.f('fk_invoices_issued_by_id_staff_users')),
    sa.ForeignKeyConstraint(['terms_profile_id'], ['terms_profiles.id'],
                            name=op.f('fk_invoices_terms_profile_id_terms_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_invoices_content_hash')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_billing_month'), ['billing_month'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_corrects_invoice_id'), ['corrects_invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_issue_date'), ['issue_date'], unique=False)
        batch_op.create_index('ix_invoices_month_total', ['billing_month', 'total'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_total'), ['total'], unique=False)
        batch_op.create_index('uq_invoices_account_month', ['customer_id', 'terms_profile_id', 'billing_month'],
                              unique=True,
                              sqlite_where=sa.text("kind = 'invoice' AND corrects_invoice_id IS NULL"),
                              postgresql_where=sa.text("kind = 'invoice' AND corrects_invoice_id IS NULL"))

    op.create_table('price_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('option_id', sa.Integer(), nullable=True),
    sa.Column('from_month', sa.Date(), nullable=False),
    sa.Column('monthly_fee', sa.Integer(), nullable=False),
    sa.Column('initial_fee', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(plan_id IS NULL) <> (option_id IS NULL)', name=op.f('ck_price_changes_one_item')),
    sa.CheckConstraint('monthly_fee >= 0 AND initial_fee >= 0', name=op.f('ck_price_changes_non_negative')),
    sa.ForeignKeyConstraint(['option_id'], ['plan_options.id'], name=op.f('fk_price_changes_option_id_plan_options')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_price_changes_plan_id_plans')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_users.id'],
                            name=op.f('fk_price_changes_recorded_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_changes')),
    sa.UniqueConstraint('option_id', 'from_month', name=op.f('uq_price_changes_option_id')),
    sa.UniqueConstraint('plan_id', 'from_month', name=op.f('uq_price_changes_plan_id'))
    )
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_changes_option_id'), ['option_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_changes_plan_id'), ['plan_id'], unique=False)

    op.create_table('bill_run_problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bill_run_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('terms_profile_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['bill_run_id'], ['bill_runs.id'],
                            name=op.f('fk_bill_run_problems_bill_run_id_bill_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_bill_run_problems_contract_id_contracts')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_bill_run_problems_customer_id_customers')),
    sa.ForeignKeyConstraint(['terms_profile_id'], ['terms_profiles.id'],
                            name=op.f('fk_bill_run_problems_terms_profile_id_terms_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_run_problems'))
    )
    with op.batch_alter_table('bill_run_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bill_run_problems_bill_run_id'), ['bill_run_id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(20), nullable=False),
    sa.Column('customer_code', sa.String(length=20), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=True),
    sa.Column('period_to', sa.Date(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_amount', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('tax_category', sa.String(20), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_invoice_lines_contract_id_contracts')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines')),
    sa.UniqueConstraint('invoice_id', 'position', name=op.f('uq_invoice_lines_invoice_id'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('usage_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('usage_import_id', sa.Integer(), nullable=False),
    sa.Column('billing_month', sa.Date(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('phone_number', sa.String(length=20), nullable=False),
    sa.Column('called_at', sa.DateTime(), nullable=False),
    sa.Column('destination', sa.String(length=30), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('row_key', sa.String(length=64), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('seconds >= 0 AND amount >= 0', name=op.f('ck_usage_records_non_negative')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_usage_records_contract_id_contracts')),
    sa.ForeignKeyConstraint(['usage_import_id'], ['usage_imports.id'],
                            name=op.f('fk_usage_records_usage_import_id_usage_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_records')),
    sa.UniqueConstraint('row_key', name=op.f('uq_usage_records_row_key'))
    )
    with op.batch_alter_table('usage_records', schema=None) as batch_op:
        batch_op.create_index('ix_usage_records_month_contract', ['billing_month', 'contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_usage_records_usage_import_id'), ['usage_import_id'], unique=False)

    with op.batch_alter_table('company_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collection_day', sa.Integer(), nullable=False, server_default='27'))
        batch_op.add_column(sa.Column('invoice_issue_day', sa.Integer(), nullable=True))
    with op.batch_alter_table('company_settings', schema=None) as batch_op:
        batch_op.alter_column('collection_day', server_default=None)
    _refuse_changes_to_issued_invoices()


def downgrade() -> None:
    _allow_changes_to_issued_invoices()
    with op.batch_alter_table('company_settings', schema=None) as batch_op:
        batch_op.drop_column('invoice_issue_day')
        batch_op.drop_column('collection_day')

    with op.batch_alter_table('usage_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_records_usage_import_id'))
        batch_op.drop_index('ix_usage_records_month_contract')

    op.drop_table('usage_records')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_lines_contract_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('bill_run_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bill_run_problems_bill_run_id'))

    op.drop_table('bill_run_problems')
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_changes_plan_id'))
        batch_op.drop_index(batch_op.f('ix_price_changes_option_id'))

    op.drop_table('price_changes')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('uq_invoices_account_month')
        batch_op.drop_index(batch_op.f('ix_invoices_total'))
        batch_op.drop_index('ix_invoices_month_total')
        batch_op.drop_index(batch_op.f('ix_invoices_issue_date'))
        batch_op.drop_index(batch_op.f('ix_invoices_customer_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_corrects_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_billing_month'))

    op.drop_table('invoices')
    with op.batch_alter_table('usage_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_imports_billing_month'))

    op.drop_table('usage_imports')
    with op.batch_alter_table('bill_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bill_runs_billing_month'))

    op.drop_table('bill_runs')
