"""Initial schema: providers, houses, personal accounts, payment documents, residents, ЕСИА users.

Written by alembic autogenerate from gkh_web/db/models.py and esia_models.py,
then reviewed: indexes that a unique constraint already provides were left out
of the models, and plain op.create_index replaces batch blocks for new tables.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25 13:44:49.844898
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0001_initial'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('esia_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('middle_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('snils', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('failed_attempts >= 0', name=op.f('ck_esia_user_failed_attempts_not_negative')),
    sa.CheckConstraint('length(snils) = 11', name=op.f('ck_esia_user_snils_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_esia_user')),
    sa.UniqueConstraint('email', name=op.f('uq_esia_user_email')),
    sa.UniqueConstraint('phone', name=op.f('uq_esia_user_phone')),
    sa.UniqueConstraint('snils', name=op.f('uq_esia_user_snils')),
    sa.UniqueConstraint('subject_id', name=op.f('uq_esia_user_subject_id'))
    )
    op.create_table('house',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('street', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('house_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('fias_guid', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_house')),
    sa.UniqueConstraint('fias_guid', name=op.f('uq_house_fias_guid'))
    )
    op.create_table('provider_organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('short_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('inn', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('kpp', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('recipient_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('bank_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('bik', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('settlement_account', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('correspondent_account', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.CheckConstraint("kind IN ('management', 'resource', 'capital_repair')", name=op.f('ck_provider_organisation_kind_allowed')),
    sa.CheckConstraint('length(bik) = 9', name=op.f('ck_provider_organisation_bik_length')),
    sa.CheckConstraint('length(inn) IN (10, 12)', name=op.f('ck_provider_organisation_inn_length')),
    sa.CheckConstraint('length(settlement_account) = 20', name=op.f('ck_provider_organisation_settlement_account_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_organisation')),
    sa.UniqueConstraint('inn', name=op.f('uq_provider_organisation_inn'))
    )
    op.create_table('resident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('esia_subject_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('middle_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('snils', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('agreement_version', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('agreement_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident')),
    sa.UniqueConstraint('esia_subject_id', name=op.f('uq_resident_esia_subject_id'))
    )
    op.create_table('premises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('house_id', sa.Integer(), nullable=False),
    sa.Column('flat', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['house_id'], ['house.id'], name=op.f('fk_premises_house_id_house')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_premises')),
    sa.UniqueConstraint('house_id', 'flat', name='uq_premises_house_flat')
    )
    op.create_table('personal_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('els', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('izhku', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('premises_id', sa.Integer(), nullable=False),
    sa.Column('payer_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('total_area', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('residents_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(els) = 10', name=op.f('ck_personal_account_els_length')),
    sa.CheckConstraint('length(izhku) = 13', name=op.f('ck_personal_account_izhku_length')),
    sa.CheckConstraint('residents_count >= 0', name=op.f('ck_personal_account_residents_count_not_negative')),
    sa.CheckConstraint('total_area > 0', name=op.f('ck_personal_account_total_area_positive')),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_personal_account_premises_id_premises')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider_organisation.id'], name=op.f('fk_personal_account_provider_id_provider_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_account')),
    sa.UniqueConstraint('izhku', name=op.f('uq_personal_account_izhku')),
    sa.UniqueConstraint('provider_id', 'number', name='uq_personal_account_provider_number')
    )
    op.create_index(op.f('ix_personal_account_els'), 'personal_account', ['els'], unique=False)
    op.create_index(op.f('ix_personal_account_premises_id'), 'personal_account', ['premises_id'], unique=False)

    op.create_table('payment_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ipd', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('personal_account_id', sa.Integer(), nullable=False),
    sa.Column('period_year', sa.Integer(), nullable=False),
    sa.Column('period_month', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('debt_or_advance_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('penalties_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('total_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('paid_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.CheckConstraint("status IN ('issued', 'withdrawn')", name=op.f('ck_payment_document_status_allowed')),
    sa.CheckConstraint('due_date >= issue_date', name=op.f('ck_payment_document_due_after_issue')),
    sa.CheckConstraint('length(ipd) = 18', name=op.f('ck_payment_document_ipd_length')),
    sa.CheckConstraint('paid_kopecks >= 0', name=op.f('ck_payment_document_paid_not_negative')),
    sa.CheckConstraint('penalties_kopecks >= 0', name=op.f('ck_payment_document_penalties_not_negative')),
    sa.CheckConstraint('period_month BETWEEN 1 AND 12', name=op.f('ck_payment_document_period_month_range')),
    sa.CheckConstraint('period_year BETWEEN 2000 AND 2099', name=op.f('ck_payment_document_period_year_range')),
    sa.ForeignKeyConstraint(['personal_account_id'], ['personal_account.id'], name=op.f('fk_payment_document_personal_account_id_personal_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_document')),
    sa.UniqueConstraint('ipd', name=op.f('uq_payment_document_ipd')),
    sa.UniqueConstraint('personal_account_id', 'period_year', 'period_month', 'number', name='uq_payment_document_account_period_number')
    )
    op.create_table('resident_account_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('personal_account_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['personal_account_id'], ['personal_account.id'], name=op.f('fk_resident_account_link_personal_account_id_personal_account')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_resident_account_link_resident_id_resident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_account_link')),
    sa.UniqueConstraint('resident_id', 'personal_account_id', name='uq_resident_account_link_pair')
    )
    op.create_index(
        op.f('ix_resident_account_link_personal_account_id'), 'resident_account_link', ['personal_account_id'], unique=False
    )

    op.create_table('service_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('service_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('service_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('volume', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('tariff', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('charged_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('recalculation_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('benefit_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('to_pay_kopecks', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("service_kind IN ('housing', 'communal', 'capital_repair', 'other')", name=op.f('ck_service_line_service_kind_allowed')),
    sa.CheckConstraint('benefit_kopecks >= 0', name=op.f('ck_service_line_benefit_not_negative')),
    sa.CheckConstraint('charged_kopecks >= 0', name=op.f('ck_service_line_charged_not_negative')),
    sa.CheckConstraint('to_pay_kopecks = charged_kopecks + recalculation_kopecks - benefit_kopecks', name=op.f('ck_service_line_to_pay_adds_up')),
    sa.ForeignKeyConstraint(['payment_document_id'], ['payment_document.id'], name=op.f('fk_service_line_payment_document_id_payment_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_line')),
    sa.UniqueConstraint('payment_document_id', 'position', name='uq_service_line_document_position')
    )


def downgrade() -> None:
    op.drop_table('service_line')
    op.drop_index(op.f('ix_resident_account_link_personal_account_id'), table_name='resident_account_link')

    op.drop_table('resident_account_link')
    op.drop_table('payment_document')
    op.drop_index(op.f('ix_personal_account_premises_id'), table_name='personal_account')
    op.drop_index(op.f('ix_personal_account_els'), table_name='personal_account')

    op.drop_table('personal_account')
    op.drop_table('premises')
    op.drop_table('resident')
    op.drop_table('provider_organisation')
    op.drop_table('house')
    op.drop_table('esia_user')
