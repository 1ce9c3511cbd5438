"""A case: one title's procedure. Keeping its derived columns in step with the rules (and its
reminders armed), recording its steps, and what it means for the student: the deadlines'
JSON, the calendar feed, the next step."""
