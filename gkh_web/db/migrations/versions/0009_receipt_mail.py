"""receipt_mail and receipt_mail_attempt: the outbox of receipts by e-mail (issue 13 §1).

Written by hand after the models (``db/models.py``) and checked against alembic autogenerate
(``tests/db/test_migrations.py`` compares the migrated schema with the models).

Revision ID: 0009_receipt_mail
Revises: 0008_notice_reconciliation
Create Date: 2026-11-30 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009_receipt_mail'
down_revision: str | Sequence[str] | None = '0008_notice_reconciliation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('receipt_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')",
                       name=op.f('ck_receipt_mail_status_allowed')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_receipt_mail_payment_id_payment'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_mail')),
    sa.UniqueConstraint('message_id', name=op.f('uq_receipt_mail_message_id')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_receipt_mail_payment_id')),
    )
    op.create_index('ix_receipt_mail_due', 'receipt_mail', ['status', 'next_attempt_at'], unique=False)
    op.create_table('receipt_mail_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_mail_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('smtp_code', sa.Integer(), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('sent', 'temporary', 'permanent', 'unknown')",
                       name=op.f('ck_receipt_mail_attempt_outcome_allowed')),
    sa.ForeignKeyConstraint(['receipt_mail_id'], ['receipt_mail.id'],
                            name=op.f('fk_receipt_mail_attempt_receipt_mail_id_receipt_mail'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_mail_attempt')),
    )
    op.create_index(op.f('ix_receipt_mail_attempt_receipt_mail_id'), 'receipt_mail_attempt', ['receipt_mail_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_receipt_mail_attempt_receipt_mail_id'), table_name='receipt_mail_attempt')
    op.drop_table('receipt_mail_attempt')
    op.drop_index('ix_receipt_mail_due', table_name='receipt_mail')
    op.drop_table('receipt_mail')
