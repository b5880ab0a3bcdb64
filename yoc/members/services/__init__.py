"""Members: profiles, guardians and consent, cohorts and mentors, privacy."""
