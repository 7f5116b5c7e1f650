"""Published values per data version (issue 17)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_version",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "published_value",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("area_name", sa.String(length=200), nullable=True),
        sa.Column("area_level", sa.String(length=20), nullable=True),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("lower", sa.Float(), nullable=True),
        sa.Column("upper", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(length=40), nullable=True),
        sa.Column("trend", sa.String(length=40), nullable=True),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("period_label", sa.String(length=20), nullable=True),
        sa.Column("benchmark_partial", sa.Boolean(), nullable=True),
        sa.Column("phi", sa.Float(), nullable=True),
    )
    op.create_index(
        "ix_published_value_key",
        "published_value",
        ["version", "indicator_id", "area_level", "seq"],
    )


def downgrade() -> None:
    op.drop_index("ix_published_value_key", table_name="published_value")
    op.drop_table("published_value")
    op.drop_table("published_version")
