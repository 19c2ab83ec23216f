"""anonymous indicators: counters per day and centre, the centre a wallet was created at (issue 11 §4)

Placeholder in the chain, filled by the work on that section.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 03:30:00.000000
"""

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
