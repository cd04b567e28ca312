"""intake: applications, screening, contracts, notices, staff passwords

Revision ID: 0002_intake
Revises: 0001_initial
Create Date: 2026-11-22 05:47:05.190407
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_intake'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counters',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('next_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counters'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('applicant_json', sa.Text(), nullable=False),
    sa.Column('applicant_name', sa.String(length=100), nullable=False),
    sa.Column('applicant_kana', sa.String(length=100), nullable=False),
    sa.Column('terms_profile_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('debit_bank_code', sa.String(length=4), nullable=False),
    sa.Column('debit_bank_name', sa.String(length=50), nullable=False),
    sa.Column('debit_branch_code', sa.String(length=3), nullable=False),
    sa.Column('debit_branch_name', sa.String(length=50), nullable=False),
    sa.Column('debit_account_type', sa.String(length=10), nullable=False),
    sa.Column('debit_account_number', sa.String(length=7), nullable=False),
    sa.Column('debit_holder_kana', sa.String(length=100), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('screening_started_at', sa.DateTime(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('cancel_kind', sa.String(length=30), nullable=False),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('withdrawal_requested_on', sa.Date(), nullable=True),
    sa.Column('identity_letter_status', sa.String(length=20), nullable=False),
    sa.Column('identity_letter_sent_on', sa.Date(), nullable=True),
    sa.Column('identity_letter_result_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('lines >= 1', name=op.f('ck_applications_lines')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_applications_created_by_id_staff_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_applications_customer_id_customers')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_users.id'], name=op.f('fk_applications_decided_by_id_staff_users')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['staff_users.id'], name=op.f('fk_applications_handled_by_id_staff_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_applications_plan_id_plans')),
    sa.ForeignKeyConstraint(['terms_profile_id'], ['terms_profiles.id'], name=op.f('fk_applications_terms_profile_id_terms_profiles')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_users.id'], name=op.f('fk_applications_updated_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('number', name=op.f('uq_applications_number'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)

    op.create_table('customer_incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_customer_incidents_non_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_customer_incidents_created_by_id_staff_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_incidents_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_incidents'))
    )
    with op.batch_alter_table('customer_incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_incidents_customer_id'), ['customer_id'], unique=False)

    op.create_table('application_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('identity_kind', sa.String(length=30), nullable=False),
    sa.Column('number_last_digits', sa.String(length=4), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_documents_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_documents'))
    )
    with op.batch_alter_table('application_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_documents_application_id'), ['application_id'], unique=False)

    op.create_table('application_options',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_options_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['plan_options.id'], name=op.f('fk_application_options_option_id_plan_options')),
    sa.PrimaryKeyConstraint('application_id', 'option_id', name=op.f('pk_application_options'))
    )
    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_code', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('terms_profile_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('formed_on', sa.Date(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('first_billable_month', sa.Date(), nullable=True),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('debit_bank_code', sa.String(length=4), nullable=False),
    sa.Column('debit_bank_name', sa.String(length=50), nullable=False),
    sa.Column('debit_branch_code', sa.String(length=3), nullable=False),
    sa.Column('debit_branch_name', sa.String(length=50), nullable=False),
    sa.Column('debit_account_type', sa.String(length=10), nullable=False),
    sa.Column('debit_account_number', sa.String(length=7), nullable=False),
    sa.Column('debit_holder_kana', sa.String(length=100), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_contracts_application_id_applications')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_contracts_created_by_id_staff_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contracts_customer_id_customers')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_contracts_plan_id_plans')),
    sa.ForeignKeyConstraint(['terms_profile_id'], ['terms_profiles.id'], name=op.f('fk_contracts_terms_profile_id_terms_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('application_id', name=op.f('uq_contracts_application_id')),
    sa.UniqueConstraint('customer_code', name=op.f('uq_contracts_customer_code'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_customer_id'), ['customer_id'], unique=False)

    op.create_table('screening_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('ground_code', sa.String(length=10), nullable=False),
    sa.Column('ground_text', sa.Text(), nullable=False),
    sa.Column('clause', sa.String(length=50), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('prefilled', sa.Boolean(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_screening_items_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checked_by_id'], ['staff_users.id'], name=op.f('fk_screening_items_checked_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_items')),
    sa.UniqueConstraint('application_id', 'ground_code', name=op.f('uq_screening_items_application_id'))
    )
    with op.batch_alter_table('screening_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_items_application_id'), ['application_id'], unique=False)

    op.create_table('contract_options',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_options_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['plan_options.id'], name=op.f('fk_contract_options_option_id_plan_options')),
    sa.PrimaryKeyConstraint('contract_id', 'option_id', name=op.f('pk_contract_options'))
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('document_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_notices_application_id_applications')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_notices_contract_id_contracts')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_notices_customer_id_customers')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['staff_users.id'], name=op.f('fk_notices_issued_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('number', name=op.f('uq_notices_number'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_customer_id'), ['customer_id'], unique=False)

    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('demo_account', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('demo_account')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_customer_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_application_id'))
        batch_op.drop_column('application_id')
        batch_op.drop_column('customer_id')

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_application_id'))

    op.drop_table('notices')
    op.drop_table('contract_options')
    with op.batch_alter_table('screening_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_items_application_id'))

    op.drop_table('screening_items')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_customer_id'))

    op.drop_table('contracts')
    op.drop_table('application_options')
    with op.batch_alter_table('application_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_documents_application_id'))

    op.drop_table('application_documents')
    with op.batch_alter_table('customer_incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_incidents_customer_id'))

    op.drop_table('customer_incidents')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_received_on'))
        batch_op.drop_index(batch_op.f('ix_applications_customer_id'))

    op.drop_table('applications')
    op.drop_table('counters')
