"""deposit links and deposited documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 13:56:09.713403
"""

import sqlalchemy as sa
from alembic import op

from wallet.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deposit_links",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("account_id", sa.String(length=22), nullable=False),
        sa.Column("label_box", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("max_files", sa.Integer(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_deposit_links_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposit_links")),
    )
    with op.batch_alter_table("deposit_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deposit_links_account_id"), ["account_id"], unique=False
        )

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deposit_id", sa.String(length=22), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_deposit_id"), ["deposit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_deposit_id"))
        batch_op.drop_column("deposit_id")

    with op.batch_alter_table("deposit_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deposit_links_account_id"))

    op.drop_table("deposit_links")
