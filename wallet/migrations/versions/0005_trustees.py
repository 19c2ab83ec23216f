"""recovery by trustees

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 14:08:12.632817
"""

import sqlalchemy as sa
from alembic import op

from wallet.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_requests",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("account_id", sa.String(length=22), nullable=True),
        sa.Column("request_public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("opens_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_recovery_requests_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_requests")),
    )
    with op.batch_alter_table("recovery_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recovery_requests_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "trustee_shares",
        sa.Column("account_id", sa.String(length=22), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("trustee_account_id", sa.String(length=22), nullable=False),
        sa.Column("set_id", sa.LargeBinary(length=8), nullable=False),
        sa.Column("sealed_share", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_trustee_shares_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trustee_account_id"],
            ["accounts.id"],
            name=op.f("fk_trustee_shares_trustee_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "x", name=op.f("pk_trustee_shares")),
    )
    with op.batch_alter_table("trustee_shares", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trustee_shares_trustee_account_id"), ["trustee_account_id"], unique=False
        )

    op.create_table(
        "released_shares",
        sa.Column("request_id", sa.String(length=22), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("sealed_share", sa.LargeBinary(), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["recovery_requests.id"],
            name=op.f("fk_released_shares_request_id_recovery_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "x", name=op.f("pk_released_shares")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trustee_threshold", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("trustee_total", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("trustee_verifier", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("wrapped_master_key_trustees", sa.LargeBinary(length=128), nullable=True)
        )
        batch_op.add_column(sa.Column("trustee_record", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("trustee_record")
        batch_op.drop_column("wrapped_master_key_trustees")
        batch_op.drop_column("trustee_verifier")
        batch_op.drop_column("trustee_total")
        batch_op.drop_column("trustee_threshold")

    op.drop_table("released_shares")
    with op.batch_alter_table("trustee_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trustee_shares_trustee_account_id"))

    op.drop_table("trustee_shares")
    with op.batch_alter_table("recovery_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_requests_account_id"))

    op.drop_table("recovery_requests")
