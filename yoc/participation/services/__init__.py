"""Weekly meetings, service hours and reminders: one job per module."""
