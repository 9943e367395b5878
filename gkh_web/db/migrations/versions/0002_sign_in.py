"""Sign-in: ЕСИА authorization codes, access tokens and login throttle; resident sessions.

Written by alembic autogenerate (``gkh db revision``) against a database at
0001_initial, then reviewed: plain op.create_index for the new tables (as in
0001); the CHECK on ``esia_user.failed_attempts`` is dropped explicitly before
its column (SQLite's batch copy must not carry it over); the downgrade puts the
two ``esia_user`` columns back with their real types, a server default for the
NOT NULL counter and the CHECK.

Why the ``esia_user`` columns go: failed sign-ins are now counted per
normalised login in ``esia_login_throttle``, for known and unknown logins
alike (see gkh_web/db/esia_models.py).

Revision ID: 0002_sign_in
Revises: 0001_initial
Create Date: 2026-11-25 14:08:44.286656
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0002_sign_in'
down_revision: str | Sequence[str] | None = '0001_initial'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # First, so that SQLite's copy-and-rename of esia_user happens before tables refer to it.
    with op.batch_alter_table('esia_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_esia_user_failed_attempts_not_negative'), type_='check')
        batch_op.drop_column('failed_attempts')
        batch_op.drop_column('locked_until')

    op.create_table('esia_login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login_key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('failed_attempts >= 0', name=op.f('ck_esia_login_throttle_failed_attempts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_esia_login_throttle')),
    sa.UniqueConstraint('login_key_hash', name=op.f('uq_esia_login_throttle_login_key_hash'))
    )

    op.create_table('esia_access_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('subject_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['esia_user.subject_id'], name=op.f('fk_esia_access_token_subject_id_esia_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_esia_access_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_esia_access_token_token_hash'))
    )
    op.create_index(op.f('ix_esia_access_token_subject_id'), 'esia_access_token', ['subject_id'], unique=False)

    op.create_table('esia_authorization_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('subject_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('redirect_uri', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['subject_id'], ['esia_user.subject_id'], name=op.f('fk_esia_authorization_code_subject_id_esia_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_esia_authorization_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_esia_authorization_code_code_hash'))
    )
    op.create_index(op.f('ix_esia_authorization_code_subject_id'), 'esia_authorization_code', ['subject_id'], unique=False)

    op.create_table('resident_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.CheckConstraint("end_reason IN ('logout', 'idle', 'replaced')", name=op.f('ck_resident_session_end_reason_allowed')),
    sa.CheckConstraint('(ended_at IS NULL) = (end_reason IS NULL)', name=op.f('ck_resident_session_ended_with_reason')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_resident_session_resident_id_resident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_resident_session_token_hash'))
    )
    op.create_index(op.f('ix_resident_session_resident_id'), 'resident_session', ['resident_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_resident_session_resident_id'), table_name='resident_session')
    op.drop_table('resident_session')
    op.drop_index(op.f('ix_esia_authorization_code_subject_id'), table_name='esia_authorization_code')
    op.drop_table('esia_authorization_code')
    op.drop_index(op.f('ix_esia_access_token_subject_id'), table_name='esia_access_token')
    op.drop_table('esia_access_token')
    op.drop_table('esia_login_throttle')
    # Last, once no table refers to esia_user any more.
    with op.batch_alter_table('esia_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_esia_user_failed_attempts_not_negative'), 'failed_attempts >= 0'
        )
