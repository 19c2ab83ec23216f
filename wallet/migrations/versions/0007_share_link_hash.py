"""a share keeps SHA-256 of its link token, so that only a link holder may spend
its PIN attempts (FORMAT.md §6)

Shares made before this revision have none: their links are refused as damaged
(nothing was deployed with the old format); their owners still see, revoke and
delete them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 23:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shares", sa.Column("link_hash", sa.LargeBinary(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shares") as batch:
        batch.drop_column("link_hash")
