"""Create the benchmark_runs table and link report requests to the run that sent them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "benchmark_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "parameters",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "results",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("callback_receiver", sa.String(length=64), nullable=True),
        sa.Column("leftover_requests", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benchmark_runs")),
    )
    with op.batch_alter_table("benchmark_runs", schema=None) as batch_op:
        batch_op.create_index("ix_benchmark_runs_started_at", ["started_at"], unique=False)
        batch_op.create_index("ix_benchmark_runs_status", ["status"], unique=False)

    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("benchmark_run_id", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_requests_benchmark_run_id_created_at", ["benchmark_run_id", "created_at"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_requests_benchmark_run_id_benchmark_runs"),
            "benchmark_runs",
            ["benchmark_run_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_requests_benchmark_run_id_benchmark_runs"), type_="foreignkey")
        batch_op.drop_index("ix_requests_benchmark_run_id_created_at")
        batch_op.drop_column("benchmark_run_id")

    with op.batch_alter_table("benchmark_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_benchmark_runs_status")
        batch_op.drop_index("ix_benchmark_runs_started_at")

    op.drop_table("benchmark_runs")
