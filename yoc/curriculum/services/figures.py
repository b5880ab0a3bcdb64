"""Counts of learning for the organisation's figures."""

from __future__ import annotations

from yoc.curriculum.models import ModuleCompletion
from yoc.tally import Period, between, count_per_month


async def modules_completed_per_month(period: Period) -> list[int]:
    return await count_per_month(ModuleCompletion.all(), between("completed_at"), period)
