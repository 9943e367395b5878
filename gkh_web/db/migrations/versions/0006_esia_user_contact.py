"""esia_user: a phone or an e-mail, not necessarily both (issue 12 §0, registration in the demo ЕСИА).

Written by alembic autogenerate (``gkh db revision``) against a database at
0005_security, then reviewed: the CHECK that at least one of the two is given
(which autogenerate does not see) is added by hand in the same batch, so
SQLite copies the table once. The downgrade cannot invent a missing phone or
e-mail, so it refuses while such an account exists instead of deleting it.

Revision ID: 0006_esia_user_contact
Revises: 0005_security
Create Date: 2026-11-30 15:01:52
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_esia_user_contact'
down_revision: str | Sequence[str] | None = '0005_security'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTACT_GIVEN = "phone IS NOT NULL OR email IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table('esia_user', schema=None) as batch_op:
        batch_op.alter_column('phone', existing_type=sa.VARCHAR(length=12), nullable=True)
        batch_op.alter_column('email', existing_type=sa.VARCHAR(length=255), nullable=True)
        batch_op.create_check_constraint(batch_op.f('ck_esia_user_contact_given'), CONTACT_GIVEN)


def downgrade() -> None:
    missing = op.get_bind().execute(
        sa.text("SELECT count(*) FROM esia_user WHERE phone IS NULL OR email IS NULL")).scalar()
    if missing:
        raise RuntimeError(f"{missing} учётных записей демо-ЕСИА без телефона или почты: откат до 0005 их не вместит")
    with op.batch_alter_table('esia_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_esia_user_contact_given'), type_='check')
        batch_op.alter_column('email', existing_type=sa.VARCHAR(length=255), nullable=False)
        batch_op.alter_column('phone', existing_type=sa.VARCHAR(length=12), nullable=False)
