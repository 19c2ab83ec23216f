"""anonymous feedback from rights-holders (issue 11 §7)

Placeholder in the chain, filled by the work on that section.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 03:30:00.000000
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
