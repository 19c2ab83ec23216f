"""day centres: centres, staff accounts, their recovery codes, sessions and used TOTP
steps, and the staff audit log, which triggers keep append-only (UPDATE and DELETE
are refused on SQLite and PostgreSQL alike; docs/day-centres.md)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from wallet.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "centres",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("help_phone", sa.String(length=40), nullable=False),
        sa.Column("opening_hours", sa.String(length=300), nullable=False),
        sa.Column("languages", sa.String(length=20), nullable=False),
        sa.Column("printing_allowed", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centres")),
        sa.UniqueConstraint("name_key", name=op.f("uq_centres_name_key")),
    )
    op.create_table(
        "staff_audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(length=22), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("centre_id", sa.String(length=22), nullable=True),
        sa.Column("target_id", sa.String(length=22), nullable=True),
        sa.Column("target_name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_audit_log")),
    )
    with op.batch_alter_table("staff_audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_staff_audit_log_centre_id"), ["centre_id"], unique=False
        )

    _create_append_only_triggers()

    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("name_key", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("centre_id", sa.String(length=22), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_enrolled_at", UTCDateTime(), nullable=True),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(role = 'operator' AND centre_id IS NULL)"
            " OR (role <> 'operator' AND centre_id IS NOT NULL)",
            name=op.f("ck_staff_accounts_centre_of_role"),
        ),
        sa.CheckConstraint(
            "role IN ('operator', 'coordinator', 'worker')", name=op.f("ck_staff_accounts_role")
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_staff_accounts_centre_id_centres")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_accounts")),
        sa.UniqueConstraint("name_key", name=op.f("uq_staff_accounts_name_key")),
    )
    with op.batch_alter_table("staff_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_accounts_centre_id"), ["centre_id"], unique=False
        )

    op.create_table(
        "staff_recovery_codes",
        sa.Column("staff_id", sa.String(length=22), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_staff_recovery_codes_staff_id_staff_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "code_hash", name=op.f("pk_staff_recovery_codes")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=22), nullable=False),
        sa.Column("staff_id", sa.String(length=22), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_staff_sessions_staff_id_staff_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "staff_totp_steps",
        sa.Column("staff_id", sa.String(length=22), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_staff_totp_steps_staff_id_staff_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "step", name=op.f("pk_staff_totp_steps")),
    )


def downgrade() -> None:
    op.drop_table("staff_totp_steps")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_staff_id"))

    op.drop_table("staff_sessions")
    op.drop_table("staff_recovery_codes")
    with op.batch_alter_table("staff_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_accounts_centre_id"))

    op.drop_table("staff_accounts")
    with op.batch_alter_table("staff_audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_audit_log_centre_id"))
        batch_op.drop_index(batch_op.f("ix_staff_audit_log_at"))

    op.drop_table("staff_audit_log")  # its triggers go with it
    _drop_trigger_function()
    op.drop_table("centres")


# The audit log refuses changes in the database itself, not only in the code.
REFUSAL = "the staff audit log is append-only"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER staff_audit_log_no_{verb.lower()} BEFORE {verb} ON staff_audit_log
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"""
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION staff_audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$""",
    """CREATE TRIGGER staff_audit_log_no_change BEFORE UPDATE OR DELETE ON staff_audit_log
    FOR EACH ROW EXECUTE FUNCTION staff_audit_log_refuse()""",
    """CREATE TRIGGER staff_audit_log_no_truncate BEFORE TRUNCATE ON staff_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_log_refuse()""",
]


def _create_append_only_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def _drop_trigger_function() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION staff_audit_log_refuse()")
