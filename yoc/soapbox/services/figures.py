"""Counts of Soapbox Speeches for the organisation's figures."""

from __future__ import annotations

from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Speech, SpeechEvent
from yoc.tally import Period, between, count_per_month


async def speeches_proposed_per_month(period: Period) -> list[int]:
    """Speeches sent for review, by the month they were first sent."""
    sent = Speech.filter(submitted_at__isnull=False)
    return await count_per_month(sent, between("submitted_at"), period)


async def speeches_delivered_per_month(period: Period) -> list[int]:
    delivered = SpeechEvent.filter(to_state=SpeechState.DELIVERED)
    return await count_per_month(delivered, between("created_at"), period)
