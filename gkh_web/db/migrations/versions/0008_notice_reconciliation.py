"""notice_reconciliation: the provider's answer to each payment notice (issue 13 §4).

Written by hand after the model (``db.models.NoticeReconciliation``) and checked against it by
``tests/db/test_migrations.py`` (the migrated schema must equal the models' schema).

Revision ID: 0008_notice_reconciliation
Revises: 0007_commission
Create Date: 2026-11-30 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008_notice_reconciliation'
down_revision: str | Sequence[str] | None = '0007_commission'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notice_reconciliation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_item_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('provider_date', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome = 'accounted' OR reason IS NOT NULL",
                       name=op.f('ck_notice_reconciliation_rejection_has_reason')),
    sa.CheckConstraint("outcome IN ('accounted', 'rejected')", name=op.f('ck_notice_reconciliation_outcome_allowed')),
    sa.ForeignKeyConstraint(['payment_item_id'], ['payment_item.id'],
                            name=op.f('fk_notice_reconciliation_payment_item_id_payment_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_reconciliation')),
    sa.UniqueConstraint('payment_item_id', name=op.f('uq_notice_reconciliation_payment_item_id'))
    )


def downgrade() -> None:
    op.drop_table('notice_reconciliation')
