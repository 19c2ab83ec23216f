"""hidden compartments of documents and shares

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:03:47.212217
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("compartment_tag", sa.LargeBinary(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_documents_compartment_tag"), ["compartment_tag"], unique=False
        )

    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.add_column(sa.Column("compartment_tag", sa.LargeBinary(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.drop_column("compartment_tag")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_compartment_tag"))
        batch_op.drop_column("compartment_tag")
