"""Provenance per import batch (issue 15)

Revision ID: 0005
Revises: 0004

Where a batch's figures come from, beside who loaded them: the publisher's table, where the
file was retrieved, when, and under which licence. ``shipped`` marks the real public snapshots
loaded with the app (data/public/): real figures, yet not the municipality's own data, so they
do not end demo mode.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_batch") as batch:
        batch.add_column(sa.Column("source_table", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("source_ref", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("retrieved_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("licence", sa.String(length=100), nullable=True))
        batch.add_column(
            sa.Column("shipped", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("import_batch") as batch:
        for name in ("shipped", "licence", "retrieved_on", "source_ref", "source_table"):
            batch.drop_column(name)
