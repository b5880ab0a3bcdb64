"""Which figures the public "Our year in numbers" page shows, for which year."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise.transactions import in_transaction

from yoc.impact.models import PublishedFigure
from yoc.impact.services.figures import BY_KEY, FIGURES
from yoc.tally import Period


async def published(year: int) -> list[str]:
    """The keys of the figures published for ``year``, in the usual order of figures."""
    chosen = set(await PublishedFigure.filter(year=year).values_list("figure", flat=True))
    return [f.key for f in FIGURES if f.key in chosen]


async def latest_year() -> int | None:
    """The latest year with a figure published."""
    years = await PublishedFigure.all().order_by("-year").limit(1).values_list("year", flat=True)
    return years[0] if years else None


async def publish(year: int, keys: Iterable[str], *, by_name: str) -> list[str]:
    """Publish exactly ``keys`` for ``year`` (unknown keys are left out); returns them."""
    chosen = [f.key for f in FIGURES if f.key in set(keys) & BY_KEY.keys()]
    async with in_transaction():
        await PublishedFigure.filter(year=year).exclude(figure__in=chosen).delete()
        kept = set(await PublishedFigure.filter(year=year).values_list("figure", flat=True))
        await PublishedFigure.bulk_create(
            [
                PublishedFigure(year=year, figure=k, published_by_name=by_name)
                for k in chosen
                if k not in kept
            ],
            ignore_conflicts=True,
        )
    return chosen


def year_period(year: int, today: date) -> Period:
    """The whole year, or the part of it until ``today``."""
    return Period(date(year, 1, 1), min(date(year, 12, 31), max(today, date(year, 1, 1))))
