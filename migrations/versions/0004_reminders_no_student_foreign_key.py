"""reminders: drop the foreign key of student_id (the case's foreign key already covers it)

`reminders.student_id` is a copy of its case's `student_id`, kept so that the planner can walk
pending reminders student by student along ix_reminders_student_state without joining cases.
It needs no foreign key of its own: `arm_cases` writes it from the case, and erasing a student
removes their reminders through cases (students -> cases -> reminders, ON DELETE CASCADE).
Its per-row check was the dearest part of arming an import on PostgreSQL (a lookup and a
row lock on `students` for each of ~8.5 reminders per case): importing 100,000 students went
from 53.9 s to 44.7 s without it (benchmarks/import_students.py, 2 cores).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_constraint("fk_reminders_student_id_students", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_reminders_student_id_students", "students", ["student_id"], ["id"],
            ondelete="CASCADE",
        )
