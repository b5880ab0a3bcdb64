"""Soapbox Speeches: proposals, review, stages and slots, schedule releases."""
