"""Fingertips' 99,8 % level in the published layer (issue 16)

Revision ID: 0007
Revises: 0006

Every published value also carries its 99,8 % interval and the verdict read from it
(``lower_998``, ``upper_998``, ``verdict_998``), so pages, exports and the brief offer either
level without computing (docs/methods.md §1.3). A store that already has a published version
is marked behind (``values_version`` + 1): the next reader rebuilds it once with the new
columns; until then the columns are empty and the 95 % level is what is shown.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("published_value") as batch:
        batch.add_column(sa.Column("lower_998", sa.Float(), nullable=True))
        batch.add_column(sa.Column("upper_998", sa.Float(), nullable=True))
        batch.add_column(sa.Column("verdict_998", sa.String(length=40), nullable=True))
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
    with op.batch_alter_table("published_value") as batch:
        batch.drop_column("verdict_998")
        batch.drop_column("upper_998")
        batch.drop_column("lower_998")
