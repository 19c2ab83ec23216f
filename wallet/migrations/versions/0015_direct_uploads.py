"""direct transfers to the object store (issue 12 §2): the S3 multipart upload of a
document whose content goes straight there, and each part's declared SHA-256

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 21:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("direct_upload_id", sa.String(length=200), nullable=True))
    op.create_table(
        "direct_upload_parts",
        sa.Column("document_id", sa.String(length=22), nullable=False),
        sa.Column("part_number", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_direct_upload_parts_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "part_number", name=op.f("pk_direct_upload_parts")),
    )


def downgrade() -> None:
    op.drop_table("direct_upload_parts")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("direct_upload_id")
