"""enrolled terminals and their one-time enrolment codes (issue 11 §2), and each
centre's idle timeout for its terminals' kiosk

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 03:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from wallet.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("idle_minutes", sa.Integer(), server_default=sa.text("3"), nullable=False)
        )
    op.create_table(
        "terminal_enrolment_codes",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("centre_id", sa.String(length=22), nullable=False),
        sa.Column("issued_by", sa.String(length=22), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centres.id"],
            name=op.f("fk_terminal_enrolment_codes_centre_id_centres"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"],
            ["staff_accounts.id"],
            name=op.f("fk_terminal_enrolment_codes_issued_by_staff_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminal_enrolment_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_terminal_enrolment_codes_code_hash")),
    )
    with op.batch_alter_table("terminal_enrolment_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_terminal_enrolment_codes_centre_id"), ["centre_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_terminal_enrolment_codes_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "terminals",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("centre_id", sa.String(length=22), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("enrolled_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centres.id"],
            name=op.f("fk_terminals_centre_id_centres"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminals")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_terminals_token_hash")),
    )
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_terminals_centre_id"), ["centre_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terminals_centre_id"))
    op.drop_table("terminals")
    with op.batch_alter_table("terminal_enrolment_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terminal_enrolment_codes_expires_at"))
        batch_op.drop_index(batch_op.f("ix_terminal_enrolment_codes_centre_id"))
    op.drop_table("terminal_enrolment_codes")
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.drop_column("idle_minutes")
