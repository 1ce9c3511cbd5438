"""reminders: index on (state, due_on) for the planner's due query

The planner asks, batch after batch, for the students with pending reminders due by today
(tracker.reminders.planning._due_student_ids). Without this index SQLite walked every student
and all their reminders (ix_reminders_student_state), future ones included, with a temporary
B-tree for the GROUP BY over all of them; with it both SQLite and PostgreSQL read only the
pending rows due by today. A plain composite index rather than a partial one: SQLite cannot
match a partial index's WHERE state = 'pending' against the bound parameter SQLAlchemy sends.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 20:00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index("ix_reminders_state_due", ["state", "due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_state_due")
