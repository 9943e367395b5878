"""background_lease: one holder per background job across all backend workers.

Written by alembic autogenerate (``gkh db revision``) against a database at
0003_payments, then reviewed.

Revision ID: 0004_background_lease
Revises: 0003_payments
Create Date: 2026-11-25 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004_background_lease'
down_revision: str | Sequence[str] | None = '0003_payments'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('background_lease',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_background_lease'))
    )


def downgrade() -> None:
    op.drop_table('background_lease')
