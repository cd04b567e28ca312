"""initial schema: settings, staff, customers, plans, audit

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22 05:16:09.528708
"""
from alembic import op
import sqlalchemy as sa


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bank_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bank_code', sa.String(length=4), nullable=False),
    sa.Column('bank_name', sa.String(length=50), nullable=False),
    sa.Column('branch_code', sa.String(length=3), nullable=False),
    sa.Column('branch_name', sa.String(length=50), nullable=False),
    sa.Column('account_type', sa.String(length=10), nullable=False),
    sa.Column('account_number', sa.String(length=7), nullable=False),
    sa.Column('holder_kana', sa.String(length=100), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_accounts'))
    )
    op.create_table('company_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_closures')),
    sa.UniqueConstraint('day', name=op.f('uq_company_closures_day'))
    )
    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=50), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('clerk', 'manager')", name=op.f('ck_staff_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('login', name=op.f('uq_staff_users_login'))
    )
    op.create_table('terms_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('version', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('provider', sa.String(length=100), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_profiles')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_terms_profiles_key'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], name=op.f('fk_audit_log_user_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('company_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('postal_code', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('fax', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('representative', sa.String(length=100), nullable=False),
    sa.Column('registration_number', sa.String(length=14), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_users.id'], name=op.f('fk_company_settings_updated_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_settings'))
    )
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_kana', sa.String(length=100), nullable=False),
    sa.Column('representative_title', sa.String(length=50), nullable=False),
    sa.Column('representative_name', sa.String(length=50), nullable=False),
    sa.Column('contact_title', sa.String(length=50), nullable=False),
    sa.Column('contact_name', sa.String(length=50), nullable=False),
    sa.Column('postal_code', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('corporate_number', sa.String(length=13), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('name_phone_key', sa.String(length=150), nullable=False),
    sa.Column('name_address_key', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('corporate', 'individual')", name=op.f('ck_customers_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_customers_created_by_id_staff_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_users.id'], name=op.f('fk_customers_updated_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index('ix_customers_address_id', ['address', 'id'], unique=False)
        batch_op.create_index('ix_customers_corporate_number_id', ['corporate_number', 'id'], unique=False)
        batch_op.create_index('ix_customers_email_id', ['email', 'id'], unique=False)
        batch_op.create_index('ix_customers_kind_id', ['kind', 'id'], unique=False)
        batch_op.create_index('ix_customers_name_address_key', ['name_address_key'], unique=False)
        batch_op.create_index('ix_customers_name_id', ['name', 'id'], unique=False)
        batch_op.create_index('ix_customers_name_kana_id', ['name_kana', 'id'], unique=False)
        batch_op.create_index('ix_customers_name_phone_key', ['name_phone_key'], unique=False)
        batch_op.create_index('ix_customers_phone_id', ['phone', 'id'], unique=False)
        batch_op.create_index('ix_customers_search_key', ['search_key'], unique=False)

    op.create_table('plan_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terms_profile_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('monthly_fee', sa.Integer(), nullable=False),
    sa.Column('initial_fee', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint('monthly_fee >= 0 AND initial_fee >= 0', name=op.f('ck_plan_options_non_negative')),
    sa.ForeignKeyConstraint(['terms_profile_id'], ['terms_profiles.id'], name=op.f('fk_plan_options_terms_profile_id_terms_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_options')),
    sa.UniqueConstraint('terms_profile_id', 'code', name=op.f('uq_plan_options_terms_profile_id'))
    )
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terms_profile_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('monthly_fee', sa.Integer(), nullable=False),
    sa.Column('initial_fee', sa.Integer(), nullable=False),
    sa.Column('minimum_term_months', sa.Integer(), nullable=False),
    sa.Column('early_termination_fee', sa.Integer(), nullable=False),
    sa.Column('requires_face_to_face', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint('monthly_fee >= 0 AND initial_fee >= 0 AND early_termination_fee >= 0 AND minimum_term_months >= 0', name=op.f('ck_plans_non_negative')),
    sa.ForeignKeyConstraint(['terms_profile_id'], ['terms_profiles.id'], name=op.f('fk_plans_terms_profile_id_terms_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('terms_profile_id', 'code', name=op.f('uq_plans_terms_profile_id'))
    )


def downgrade() -> None:
    op.drop_table('plans')
    op.drop_table('plan_options')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_search_key')
        batch_op.drop_index('ix_customers_phone_id')
        batch_op.drop_index('ix_customers_name_phone_key')
        batch_op.drop_index('ix_customers_name_kana_id')
        batch_op.drop_index('ix_customers_name_id')
        batch_op.drop_index('ix_customers_name_address_key')
        batch_op.drop_index('ix_customers_kind_id')
        batch_op.drop_index('ix_customers_email_id')
        batch_op.drop_index('ix_customers_corporate_number_id')
        batch_op.drop_index('ix_customers_address_id')

    op.drop_table('customers')
    op.drop_table('company_settings')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
    op.drop_table('terms_profiles')
    op.drop_table('staff_users')
    op.drop_table('company_closures')
    op.drop_table('bank_accounts')
