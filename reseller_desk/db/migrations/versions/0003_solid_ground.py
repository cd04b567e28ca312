"""solid ground: applicant keys on applications, issued notice PDFs, withdrawn vs revoked

- ``applications.applicant_*`` hold the applicant's identity keys (the same 法人番号, or the
  same normalised name and phone, or name and address) so that screening looks earlier
  refusals up by index instead of decoding every refused application.
- ``notices.pdf`` keeps the bytes a notice was issued as (filled for existing notices by the
  next revision, which renders them once).
- An application status ``cancelled`` said two different things; it becomes ``withdrawn``
  (取下げ, the applicant withdrew before the decision) or ``revoked`` (承諾取消, SH §14.2(7)).

Revision ID: 0003_solid_ground
Revises: 0002_intake
Create Date: 2026-12-01 10:00:00
"""
import json

import sqlalchemy as sa
from alembic import op

from reseller_desk.domain.search import normalize

revision = '0003_solid_ground'
down_revision = '0002_intake'
branch_labels = None
depends_on = None


def _keys(name: str, phone: str, address: str) -> tuple[str, str]:
    """domain.customer.identity_keys as of this revision, on plain values."""
    name, phone, address = normalize(name or ""), normalize(phone or ""), normalize(address or "")
    return (f"{name}|{phone}" if name and phone else "", f"{name}|{address}" if name and address else "")


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_corporate_number', sa.String(length=13), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('applicant_name_phone_key', sa.String(length=150), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('applicant_name_address_key', sa.String(length=300), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('applicant_corporate_number', server_default=None)
        batch_op.alter_column('applicant_name_phone_key', server_default=None)
        batch_op.alter_column('applicant_name_address_key', server_default=None)
        batch_op.create_index(batch_op.f('ix_applications_applicant_corporate_number'),
                              ['applicant_corporate_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_applicant_name_phone_key'),
                              ['applicant_name_phone_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_applicant_name_address_key'),
                              ['applicant_name_address_key'], unique=False)
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))

    conn = op.get_bind()
    applications = sa.table('applications', sa.column('id'), sa.column('customer_id'), sa.column('applicant_json'),
                            sa.column('status'), sa.column('cancel_kind'), sa.column('applicant_corporate_number'),
                            sa.column('applicant_name_phone_key'), sa.column('applicant_name_address_key'))
    customers = sa.table('customers', sa.column('id'), sa.column('name'), sa.column('phone'), sa.column('address'),
                         sa.column('corporate_number'))
    people = {row.id: row for row in conn.execute(sa.select(customers))}
    for row in conn.execute(sa.select(applications.c.id, applications.c.customer_id,
                                      applications.c.applicant_json)).all():
        if row.applicant_json:
            data = json.loads(row.applicant_json)
        elif row.customer_id in people:
            data = people[row.customer_id]._asdict()
        else:
            continue
        name_phone, name_address = _keys(data.get('name', ''), data.get('phone', ''), data.get('address', ''))
        conn.execute(applications.update().where(applications.c.id == row.id).values(
            applicant_corporate_number=data.get('corporate_number', '') or '',
            applicant_name_phone_key=name_phone, applicant_name_address_key=name_address))
    conn.execute(applications.update().where(applications.c.status == 'cancelled',
                                             applications.c.cancel_kind == 'identity_check_failed')
                 .values(status='revoked'))
    conn.execute(applications.update().where(applications.c.status == 'cancelled').values(status='withdrawn'))


def downgrade() -> None:
    conn = op.get_bind()
    applications = sa.table('applications', sa.column('status'))
    conn.execute(applications.update().where(applications.c.status.in_(['withdrawn', 'revoked']))
                 .values(status='cancelled'))
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('pdf')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_applicant_name_address_key'))
        batch_op.drop_index(batch_op.f('ix_applications_applicant_name_phone_key'))
        batch_op.drop_index(batch_op.f('ix_applications_applicant_corporate_number'))
        batch_op.drop_column('applicant_name_address_key')
        batch_op.drop_column('applicant_name_phone_key')
        batch_op.drop_column('applicant_corporate_number')
