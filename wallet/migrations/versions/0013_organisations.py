"""organisations that issue documents and their public signing keys (issue 16)

Placeholder in the chain, filled by the work on that section.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 03:30:00.000000
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
