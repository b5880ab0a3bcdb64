"""Demo: this year's figures published on "Our year in numbers"."""

from __future__ import annotations

from yoc.impact.services import publishing

PUBLISHED = ("active_members", "members_by_community", "modules_completed", "speeches")


async def seed(year: int) -> None:
    await publishing.publish(year, PUBLISHED, by_name="YO-C")
