"""Reminders: DESIGN section 6, rules 1–8.

How the rules map to the data:
- Arming (rules 1, 2, 6). Whenever a case changes (`sync_case` calls `arm_case`), every
  reminder the policy gives for its milestones is stored as a `Reminder` row in state pending,
  with its due day S = milestone date + offset, unless S is before the student's registration
  date. A changed date is a new milestone date, hence a new key: the new reminders are armed
  and the stale pending ones are cancelled ("date_changed"); a filed or closed procedure
  cancels them all ("procedure_done").
- Planning (rules 2, 3, 4). The daily run reads only the pending rows with S ≤ today (the
  indexed `due_on` column), student by student in bounded batches. Per (case, milestone) the
  latest due reminder goes out and the older ones are recorded as skipped ("superseded"), so
  an outage of any length ends in one e-mail. All of a student's reminders of the day go in
  one e-mail whose key is `reminder:<student>:<day>`: a second run the same day, or a second
  planner, inserts nothing (INSERT … ON CONFLICT DO NOTHING, rule 7).
- Welcome (rule 5): one e-mail per student, key `welcome:<student>`, listing the deadlines.
- Digest (rule 8 and the office's needs): `digest:<day>`, only when there is something to say.

Who is written to: an address we trust, i.e. confirmed by the student (`email_confirmed_at`)
or coming from the office's import (source "import"/"office"/"demo": the university's own
records). A self-registered student who has not confirmed gets nothing until they do; their
reminders stay pending and the latest ones go out after confirmation. Unsubscribed students
and suppressed addresses get no reminder (their due reminders are cancelled).

Modules: `keys` (keys, who may be written to), `arming`, `planning` (reminders and welcomes),
`digest` (the office's), `preview`, `texts` (what is said of one milestone), `calendar` (the
one iCalendar writer), `emails` (rendering). The cycle that runs them day by day
is `tracker.cycle`.
"""
