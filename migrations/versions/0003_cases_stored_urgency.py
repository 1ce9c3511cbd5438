"""cases: stored urgency (rank, the day it was computed for and the day it may change), the
worklist's order index, and an index on the students' search column

The worklist sorted and counted every open case by a CASE over four date columns
(office.worklist), so each page scanned and sorted all of them: 200-300 ms with 100,000
students. The case sync now stores the urgency as a small integer with the range of days it
holds for; the worklist re-ranks the few cases whose range has ended and reads the rest along
ix_cases_worklist (is_current, is_open, urgency_rank, next_milestone_date, id), its default
order, so the first page stops after its rows and the counts group an index. The search
column gets an index too: a substring search then scans it instead of the students table.
Existing rows are ranked here with the rule function the sync uses, for the day they were last
synced; a case never synced keeps NULL, which the worklist ranks on first use.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 06:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.rules.urgency import urgency_rank_and_change

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgency_rank", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("urgency_for", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("urgency_until", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_urgency_for"), ["urgency_for"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_urgency_until"), ["urgency_until"],
                              unique=False)
        batch_op.create_index(
            "ix_cases_worklist",
            ["is_current", "is_open", "urgency_rank", "next_milestone_date", "id"],
            unique=False,
        )
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_students_search_text"), ["search_text"],
                              unique=False)
    _rank_synced_cases()


def _rank_synced_cases() -> None:
    cases = sa.table(
        "cases", sa.column("id", sa.Integer), sa.column("needs_action", sa.Boolean),
        sa.column("deadline_on", sa.Date), sa.column("fee_threshold_on", sa.Date),
        sa.column("window_opens_on", sa.Date), sa.column("synced_for", sa.Date),
        sa.column("urgency_rank", sa.SmallInteger), sa.column("urgency_for", sa.Date),
        sa.column("urgency_until", sa.Date),
    )
    connection = op.get_bind()
    update = (
        sa.update(cases).where(cases.c.id == sa.bindparam("case_id"))
        .values(urgency_rank=sa.bindparam("rank"), urgency_for=sa.bindparam("day"),
                urgency_until=sa.bindparam("until"))
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(cases.c.id, cases.c.needs_action, cases.c.deadline_on,
                      cases.c.fee_threshold_on, cases.c.window_opens_on, cases.c.synced_for)
            .where(cases.c.id > last_id, cases.c.synced_for.is_not(None))
            .order_by(cases.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        values = []
        for row in rows:
            rank, until = urgency_rank_and_change(
                today=row.synced_for, needs_action=bool(row.needs_action),
                deadline_on=row.deadline_on, fee_threshold_on=row.fee_threshold_on,
                window_opens_on=row.window_opens_on)
            values.append({"case_id": row.id, "rank": rank, "day": row.synced_for,
                           "until": until})
        connection.execute(update, values)
        last_id = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_students_search_text"))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_worklist")
        batch_op.drop_index(batch_op.f("ix_cases_urgency_until"))
        batch_op.drop_index(batch_op.f("ix_cases_urgency_for"))
        batch_op.drop_column("urgency_until")
        batch_op.drop_column("urgency_for")
        batch_op.drop_column("urgency_rank")
