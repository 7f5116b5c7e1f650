"""Intervention register (issue 13)

Target indicators, responsible unit and who last changed an intervention; interventions
added on the page have no import batch (batch_id stays NULL).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_indicators", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("responsible_unit", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("updated_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_column("updated_by")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("responsible_unit")
        batch_op.drop_column("target_indicators")
