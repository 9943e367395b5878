"""Security (issue 10): registered ЕСИА clients, PKCE, rate-limit counters, more session end reasons.

Written by alembic autogenerate (``gkh db revision``) against a database at
0004_background_lease, then reviewed: the CHECK on ``resident_session.end_reason``
(which autogenerate does not see) is replaced by hand in a batch, so SQLite
copies the table with the new vocabulary; the downgrade first maps the two new
reasons onto old ones so that the old CHECK holds again.

Revision ID: 0005_security
Revises: 0004_background_lease
Create Date: 2026-11-30 11:16:04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005_security'
down_revision: str | Sequence[str] | None = '0004_background_lease'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_REASONS = "end_reason IN ('logout', 'idle', 'replaced')"
NEW_REASONS = "end_reason IN ('logout', 'idle', 'replaced', 'expired', 'revoked')"


def upgrade() -> None:
    op.create_table('esia_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('redirect_uris', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_esia_client')),
    sa.UniqueConstraint('client_id', name=op.f('uq_esia_client_client_id'))
    )
    op.create_table('rate_limit_counter',
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('window_start', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key_hash', 'window_start', name=op.f('pk_rate_limit_counter'))
    )
    op.create_index(op.f('ix_rate_limit_counter_expires_at'), 'rate_limit_counter', ['expires_at'], unique=False)

    with op.batch_alter_table('esia_authorization_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_challenge', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))

    with op.batch_alter_table('resident_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_resident_session_end_reason_allowed'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_resident_session_end_reason_allowed'), NEW_REASONS)


def downgrade() -> None:
    op.execute("UPDATE resident_session SET end_reason = 'logout' WHERE end_reason IN ('expired', 'revoked')")
    with op.batch_alter_table('resident_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_resident_session_end_reason_allowed'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_resident_session_end_reason_allowed'), OLD_REASONS)

    with op.batch_alter_table('esia_authorization_code', schema=None) as batch_op:
        batch_op.drop_column('code_challenge')

    op.drop_index(op.f('ix_rate_limit_counter_expires_at'), table_name='rate_limit_counter')
    op.drop_table('rate_limit_counter')
    op.drop_table('esia_client')
