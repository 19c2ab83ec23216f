"""reports of abused links and suspensions of shares and deposit links (issue 11 §5)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 03:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from wallet.models import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_reports",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("link_kind", sa.String(length=8), nullable=False),
        sa.Column("link_id", sa.String(length=22), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "link_kind IN ('share', 'deposit')", name=op.f("ck_link_reports_link_kind")
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_link_reports_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_reports")),
    )
    with op.batch_alter_table("link_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_reports_link_id"), ["link_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_link_reports_created_at"), ["created_at"], unique=False
        )
    op.create_table(
        "link_suspensions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("link_kind", sa.String(length=8), nullable=False),
        sa.Column("link_id", sa.String(length=22), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("suspended_at", UTCDateTime(), nullable=False),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "link_kind IN ('share', 'deposit')", name=op.f("ck_link_suspensions_link_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_suspensions")),
    )
    with op.batch_alter_table("link_suspensions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_suspensions_link_id"), ["link_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("link_suspensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_suspensions_link_id"))
    op.drop_table("link_suspensions")
    with op.batch_alter_table("link_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_reports_created_at"))
        batch_op.drop_index(batch_op.f("ix_link_reports_link_id"))
    op.drop_table("link_reports")
