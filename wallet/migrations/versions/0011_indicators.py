"""anonymous indicators: counters per day and centre, a wallet's centre (issue 11 §4)

`accounts.centre_id` (nullable, no foreign key: the core does not know centres),
`indicator_counts` (one row per day, centre and metric) and `indicator_active_marks`
(this month's keyed marks of opened wallets, deleted when the month closes).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 03:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centre_id", sa.String(length=22), nullable=True))
    op.create_table(
        "indicator_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("centre_key", sa.String(length=22), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "centre_key", "metric", name=op.f("pk_indicator_counts")),
    )
    op.create_index(
        "ix_indicator_counts_month",
        "indicator_counts",
        ["month", "centre_key", "metric", "value"],
        unique=False,
    )
    op.create_table(
        "indicator_active_marks",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("mark", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("month", "mark", name=op.f("pk_indicator_active_marks")),
    )


def downgrade() -> None:
    op.drop_table("indicator_active_marks")
    op.drop_index("ix_indicator_counts_month", table_name="indicator_counts")
    op.drop_table("indicator_counts")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("centre_id")
