"""organisations that issue documents and their public signing keys (issue 16):
the operator's register, published at GET /api/v1/organisations (crypto/FORMAT.md §7.3)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 03:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from wallet.models import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('cpas', 'commune', 'hospital', 'school', 'association', 'other')",
            name=op.f("ck_organisations_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name_key", name=op.f("uq_organisations_name_key")),
    )
    op.create_table(
        "organisation_keys",
        sa.Column("kid", sa.String(length=43), nullable=False),
        sa.Column("organisation_id", sa.String(length=22), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("revoked_from", sa.Date(), nullable=True),
        sa.Column("revocation_reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_keys_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_organisation_keys")),
        sa.UniqueConstraint("public_key", name=op.f("uq_organisation_keys_public_key")),
    )
    with op.batch_alter_table("organisation_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_keys_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_keys_organisation_id"))
    op.drop_table("organisation_keys")
    op.drop_table("organisations")
