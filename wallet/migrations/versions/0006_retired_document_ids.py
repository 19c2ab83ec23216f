"""ids of deleted documents stay taken (hashed), so that a deleted document and one
in another place answer alike

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retired_document_ids",
        sa.Column("id_hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_retired_document_ids")),
    )


def downgrade() -> None:
    op.drop_table("retired_document_ids")
