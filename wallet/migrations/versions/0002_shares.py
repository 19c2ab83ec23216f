"""shares, their documents and access log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:38:07.360497
"""

import sqlalchemy as sa
from alembic import op

from wallet.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("account_id", sa.String(length=22), nullable=False),
        sa.Column("access_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("pin", sa.Boolean(), nullable=False),
        sa.Column("info_box", sa.LargeBinary(), nullable=False),
        sa.Column("owner_record", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("max_opens", sa.Integer(), nullable=True),
        sa.Column("opens", sa.Integer(), nullable=False),
        sa.Column("wrong_accesses", sa.Integer(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_shares_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
    )
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shares_account_id"), ["account_id"], unique=False)

    op.create_table(
        "share_documents",
        sa.Column("share_id", sa.String(length=22), nullable=False),
        sa.Column("document_id", sa.String(length=22), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("metadata_box", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_share_documents_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["shares.id"],
            name=op.f("fk_share_documents_share_id_shares"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("share_id", "document_id", name=op.f("pk_share_documents")),
    )
    with op.batch_alter_table("share_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_documents_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "share_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("share_id", sa.String(length=22), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["shares.id"],
            name=op.f("fk_share_events_share_id_shares"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_events")),
    )
    with op.batch_alter_table("share_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_events_share_id"), ["share_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("share_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_events_share_id"))

    op.drop_table("share_events")
    with op.batch_alter_table("share_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_documents_document_id"))

    op.drop_table("share_documents")
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shares_account_id"))

    op.drop_table("shares")
