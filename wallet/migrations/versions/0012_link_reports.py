"""reports of abused links and suspensions of shares and deposit links (issue 11 §5)

Placeholder in the chain, filled by the work on that section.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 03:30:00.000000
"""

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
