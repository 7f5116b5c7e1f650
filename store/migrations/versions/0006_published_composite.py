"""Composite indices in the published layer (issue 17)

Revision ID: 0006
Revises: 0005

The Risk and Protective indices per district and period, with their Monte Carlo rank
intervals, computed once per published version beside the values (docs/published.md).
A store that already has a published version is marked behind (``values_version`` + 1), so
the next reader rebuilds it once with its composites; until then readers keep the old one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_composite",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("rank", sa.Float(), nullable=True),
        sa.Column("rank_median", sa.Float(), nullable=True),
        sa.Column("rank_lower", sa.Float(), nullable=True),
        sa.Column("rank_upper", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("label_sv", sa.String(length=200), nullable=True),
        sa.Column("label_en", sa.String(length=200), nullable=True),
        sa.Column("n_indicators", sa.Integer(), nullable=True),
        sa.Column("n_suppressed", sa.Integer(), nullable=True),
    )
    op.create_index(
        "ix_published_composite_key", "published_composite", ["version", "period", "seq"]
    )
    setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.String))
    conn = op.get_bind()
    published = conn.execute(
        sa.select(setting.c.value).where(setting.c.key == "published_version")
    ).scalar()
    if published is not None:
        values = conn.execute(
            sa.select(setting.c.value).where(setting.c.key == "values_version")
        ).scalar()
        if values is None:
            conn.execute(setting.insert().values(key="values_version", value="1"))
        else:
            conn.execute(
                setting.update()
                .where(setting.c.key == "values_version")
                .values(value=str(int(values) + 1))
            )


def downgrade() -> None:
    op.drop_index("ix_published_composite_key", table_name="published_composite")
    op.drop_table("published_composite")
