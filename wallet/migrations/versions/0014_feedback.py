"""anonymous feedback from rights-holders (issue 11 §7): a mark, an optional text,
the month and the language; nothing that ties it to a person

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 03:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.CheckConstraint("rating >= 1 AND rating <= 5", name=op.f("ck_feedback_rating")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_month"), ["month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_month"))
    op.drop_table("feedback")
