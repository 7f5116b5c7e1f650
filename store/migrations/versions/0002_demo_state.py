"""Demo mode as an explicit database state (issue 11)

Revision ID: 0002
Revises: 0001

Demo mode lives in ``setting`` under ``demo_mode`` (``store/demo_state.py``). An existing
database gets its state from its history: any real batch ever imported (also one rolled back
since) → ``closed`` for good; otherwise synthetic batches loaded → ``demo``; otherwise none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.Text))
_batch = sa.table(
    "import_batch", sa.column("synthetic", sa.Boolean), sa.column("status", sa.String)
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.select(_setting.c.value).where(_setting.c.key == "demo_mode")).first():
        return
    real = conn.execute(
        sa.select(sa.func.count()).select_from(_batch).where(_batch.c.synthetic.is_(False))
    ).scalar()
    synthetic = conn.execute(
        sa.select(sa.func.count())
        .select_from(_batch)
        .where(_batch.c.synthetic.is_(True), _batch.c.status == "loaded")
    ).scalar()
    state = "closed" if real else ("demo" if synthetic else None)
    if state:
        conn.execute(_setting.insert().values(key="demo_mode", value=state))


def downgrade() -> None:
    op.execute(_setting.delete().where(_setting.c.key == "demo_mode"))
