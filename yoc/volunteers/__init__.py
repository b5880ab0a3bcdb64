"""Volunteer shifts: the roles and shifts of an event, who signs up for them, reminders,
door access during a door shift, and the hours given."""
