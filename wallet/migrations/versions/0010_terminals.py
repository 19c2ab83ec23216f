"""enrolled terminals and their one-time enrolment codes (issue 11 §2)

Placeholder in the chain, filled by the work on that section.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 03:30:00.000000
"""

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
