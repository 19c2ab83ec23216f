"""accounts, sessions, documents and upload parts

Revision ID: 0001
Revises:
Create Date: 2026-11-25 10:55:32.796553
"""

import sqlalchemy as sa
from alembic import op

from wallet.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("handle", sa.String(length=64), nullable=False),
        sa.Column("handle_key", sa.String(length=64), nullable=False),
        sa.Column("account_salt", sa.LargeBinary(length=16), nullable=False),
        sa.Column("verifier", sa.String(length=200), nullable=False),
        sa.Column("recovery_verifier", sa.String(length=200), nullable=False),
        sa.Column("wrapped_master_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("wrapped_master_key_recovery", sa.LargeBinary(length=128), nullable=False),
        sa.Column("deposit_public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("wrapped_deposit_private_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("must_change_passphrase", sa.Boolean(), nullable=False),
        sa.Column("used_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("handle_key", name=op.f("uq_accounts_handle_key")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("account_id", sa.String(length=22), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("metadata_box", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.LargeBinary(length=32), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_documents_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_account_id"), ["account_id"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("account_id", sa.String(length=22), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("client", sa.String(length=40), nullable=False),
        sa.Column("recovery", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_sessions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sessions_token_hash")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_account_id"), ["account_id"], unique=False)

    op.create_table(
        "upload_parts",
        sa.Column("document_id", sa.String(length=22), nullable=False),
        sa.Column("part_offset", sa.BigInteger(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_upload_parts_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "part_offset", name=op.f("pk_upload_parts")),
    )


def downgrade() -> None:
    op.drop_table("upload_parts")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_account_id"))

    op.drop_table("sessions")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_account_id"))

    op.drop_table("documents")
    op.drop_table("accounts")
