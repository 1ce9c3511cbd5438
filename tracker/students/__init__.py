"""Students: their records and checks, registration and sign-in links, corrections of their
details, the CSV import and export, and demo data."""
