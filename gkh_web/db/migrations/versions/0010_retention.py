"""receipt_mail.to_address may be NULL: the retention purge drops a finished letter's address (issue 14 §5).

Written by hand after the model (``db/models.py``) and checked against alembic autogenerate
(``tests/db/test_migrations.py`` compares the migrated schema with the models). The purge's daily
run is recorded in ``background_lease`` (a row of its own), so no table is added. The downgrade
cannot bring a dropped address back, so it refuses while such a letter exists instead of inventing one.

Revision ID: 0010_retention
Revises: 0009_receipt_mail
Create Date: 2026-11-30 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_retention'
down_revision: str | Sequence[str] | None = '0009_receipt_mail'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('receipt_mail', schema=None) as batch_op:
        batch_op.alter_column('to_address', existing_type=sa.VARCHAR(length=255), nullable=True)


def downgrade() -> None:
    dropped = op.get_bind().execute(sa.text("SELECT count(*) FROM receipt_mail WHERE to_address IS NULL")).scalar()
    if dropped:
        raise RuntimeError(f"{dropped} receipt letters have their address dropped by retention: "
                           "0009 cannot hold them")
    with op.batch_alter_table('receipt_mail', schema=None) as batch_op:
        batch_op.alter_column('to_address', existing_type=sa.VARCHAR(length=255), nullable=False)
