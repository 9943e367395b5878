"""payment.commission_kopecks: the commission of the payment's method, charged on top of its sum (issue 12).

Written by alembic autogenerate (``gkh db revision``) against a database at 0005_security (renumbered after 0006_esia_user_contact on merge), then
reviewed: the column gets a server default of 0, so payments made before it are honestly «no
commission» (none was ever charged), and the CHECK that autogenerate does not see is added in a
batch, so SQLite copies the table with it.

Revision ID: 0007_commission
Revises: 0006_esia_user_contact
Create Date: 2026-12-02 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_commission'
down_revision: str | Sequence[str] | None = '0006_esia_user_contact'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commission_kopecks', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_payment_commission_not_negative'), 'commission_kopecks >= 0')


def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_payment_commission_not_negative'), type_='check')
        batch_op.drop_column('commission_kopecks')
