"""Payments: payment, payment_item (one unfinished payment per document), payment_event.

Written by alembic autogenerate (``gkh db revision``) against a database at
0002_sign_in, then reviewed: plain op.create_index for the new tables (as in
0001/0002), the tables dropped in reverse order on downgrade.

The double-payment guard is UNIQUE (payment_document_id, open) on
payment_item: ``open`` is 1 while the payment is unfinished and NULL once it
is final, and NULLs never collide on SQLite or PostgreSQL.

Revision ID: 0003_payments
Revises: 0002_sign_in
Create Date: 2026-11-25 15:17:41.026387
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003_payments'
down_revision: str | Sequence[str] | None = '0002_sign_in'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('gateway', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('gateway_payment_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('amount_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('return_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('confirmation_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('card_brand', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('card_last4', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.Column('receipt_email', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('failure_reason', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("method IS NULL OR method IN ('card', 'wallet')", name=op.f('ck_payment_method_allowed')),
    sa.CheckConstraint("status IN ('created', 'submitted', 'awaiting_customer', 'succeeded', 'failed', 'canceled', 'expired')", name=op.f('ck_payment_status_allowed')),
    sa.CheckConstraint('amount_kopecks > 0', name=op.f('ck_payment_amount_positive')),
    sa.CheckConstraint('card_last4 IS NULL OR length(card_last4) = 4', name=op.f('ck_payment_card_last4_length')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_payment_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('gateway_payment_id', name=op.f('uq_payment_gateway_payment_id')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_payment_idempotency_key')),
    sa.UniqueConstraint('public_id', name=op.f('uq_payment_public_id'))
    )
    op.create_index(op.f('ix_payment_resident_id'), 'payment', ['resident_id'], unique=False)
    op.create_index(op.f('ix_payment_status'), 'payment', ['status'], unique=False)

    op.create_table('payment_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.CheckConstraint("source IN ('app', 'gateway', 'webhook', 'reconciler')", name=op.f('ck_payment_event_source_allowed')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_payment_event_payment_id_payment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_event'))
    )
    op.create_index(op.f('ix_payment_event_payment_id'), 'payment_event', ['payment_id'], unique=False)

    op.create_table('payment_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('payment_document_id', sa.Integer(), nullable=False),
    sa.Column('personal_account_id', sa.Integer(), nullable=False),
    sa.Column('amount_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('open', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_kopecks > 0', name=op.f('ck_payment_item_amount_positive')),
    sa.CheckConstraint('open IS NULL OR open = 1', name=op.f('ck_payment_item_open_one_or_null')),
    sa.ForeignKeyConstraint(['payment_document_id'], ['payment_document.id'], name=op.f('fk_payment_item_payment_document_id_payment_document')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_payment_item_payment_id_payment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['personal_account_id'], ['personal_account.id'], name=op.f('fk_payment_item_personal_account_id_personal_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_item')),
    sa.UniqueConstraint('payment_document_id', 'open', name='uq_payment_item_document_open'),
    sa.UniqueConstraint('payment_id', 'payment_document_id', name='uq_payment_item_payment_document')
    )
    op.create_index(op.f('ix_payment_item_personal_account_id'), 'payment_item', ['personal_account_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_payment_item_personal_account_id'), table_name='payment_item')
    op.drop_table('payment_item')
    op.drop_index(op.f('ix_payment_event_payment_id'), table_name='payment_event')
    op.drop_table('payment_event')
    op.drop_index(op.f('ix_payment_status'), table_name='payment')
    op.drop_index(op.f('ix_payment_resident_id'), table_name='payment')
    op.drop_table('payment')
