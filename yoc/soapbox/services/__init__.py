"""Soapbox services: proposals and their states, review, the schedule, releases, the
public lineup and calendars."""
