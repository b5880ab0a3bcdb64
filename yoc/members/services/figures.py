"""Counts of members for the organisation's figures: never a name, never a row."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q
from tortoise.functions import Count

from yoc.members.enums import Community, MemberStatus
from yoc.members.models import MemberProfile
from yoc.tally import Period, count_until_each_month_end


def _approved_before(moment: datetime) -> Q:
    """Approved before ``moment``; a member approved before approvals had a date counts
    from the day they applied."""
    return Q(decided_at__lt=moment) | Q(decided_at__isnull=True, created_at__lt=moment)


async def active_members_per_month(period: Period) -> list[int]:
    """Members active today, counted from the month staff approved them."""
    active = MemberProfile.filter(status=MemberStatus.ACTIVE)
    return await count_until_each_month_end(active, _approved_before, period)


async def active_members_by_community(until: datetime) -> dict[Community, int]:
    """Members active today and approved before ``until``, per community."""
    rows = (
        await MemberProfile.filter(_approved_before(until), status=MemberStatus.ACTIVE)
        .annotate(n=Count("id"))
        .group_by("community")
        .values_list("community", "n")
    )
    found = {Community(community): n for community, n in rows}
    return {community: found.get(community, 0) for community in Community}
