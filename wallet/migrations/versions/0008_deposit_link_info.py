"""a deposit link keeps its info box: the owner's label and the wallet's public key,
sealed under the link's secret for whoever holds the link (FORMAT.md §7)

Links made before this revision have none: their links carried a key
fingerprint and no secret, and every reader now refuses them as of an older
kind; their owners still see, revoke and delete them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deposit_links", sa.Column("info_box", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deposit_links") as batch:
        batch.drop_column("info_box")
