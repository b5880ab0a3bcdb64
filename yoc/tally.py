"""Figures over time, counted in the database: one query answers every month at once
(an aggregate per month, each with its own filter), however many rows it counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.expressions import F, Q
from tortoise.functions import Coalesce, Count, Sum
from tortoise.queryset import QuerySet

from yoc.i18n import start_of_day


@dataclass(frozen=True)
class Month:
    first_day: date

    @property
    def key(self) -> str:
        return self.first_day.strftime("%Y-%m")

    @property
    def next(self) -> Month:
        year, month = divmod(self.first_day.month, 12)
        return Month(date(self.first_day.year + year, month + 1, 1))

    @property
    def starts_at(self) -> datetime:
        return start_of_day(self.first_day)

    @property
    def ends_at(self) -> datetime:
        return start_of_day(self.next.first_day)


@dataclass(frozen=True)
class Period:
    """Days where the app is, both included, and the months they touch."""

    start: date
    end: date

    @property
    def starts_at(self) -> datetime:
        return start_of_day(self.start)

    @property
    def ends_at(self) -> datetime:
        return start_of_day(date.fromordinal(self.end.toordinal() + 1))

    def months(self) -> list[Month]:
        found = [Month(self.start.replace(day=1))]
        while found[-1].next.first_day <= self.end:
            found.append(found[-1].next)
        return found

    def window(self, month: Month) -> tuple[datetime, datetime]:
        """The part of ``month`` inside the period."""
        return max(month.starts_at, self.starts_at), min(month.ends_at, self.ends_at)


Within = Callable[[datetime, datetime], Q]


def between(field: str) -> Within:
    """Rows whose ``field`` is in a span of time. (A field of the query's own table: a
    filter through a join makes the ORM group the rows one by one.)"""
    return lambda starts_at, ends_at: Q(**{f"{field}__gte": starts_at, f"{field}__lt": ends_at})


async def _one_row(query: QuerySet, aggregates: dict) -> dict:
    rows = await query.annotate(**aggregates).values(*aggregates)
    return rows[0] if rows else dict.fromkeys(aggregates, 0)


async def count_per_month(query: QuerySet, within: Within, period: Period) -> list[int]:
    """How many rows of ``query`` are ``within`` each month of ``period``."""
    months = period.months()
    aggregates = {
        f"m{i}": Count("id", _filter=within(*period.window(m))) for i, m in enumerate(months)
    }
    row = await _one_row(query, aggregates)
    return [row[f"m{i}"] or 0 for i in range(len(months))]


async def count_until_each_month_end(
    query: QuerySet, before: Callable[[datetime], Q], period: Period
) -> list[int]:
    """How many rows of ``query`` are ``before`` the end of each month of ``period`` (or
    of the period, in its last month)."""
    months = period.months()
    aggregates = {
        f"m{i}": Count("id", _filter=before(period.window(m)[1])) for i, m in enumerate(months)
    }
    row = await _one_row(query, aggregates)
    return [row[f"m{i}"] or 0 for i in range(len(months))]


async def sums_per_month(
    query: QuerySet, within: Within, period: Period, columns: dict[str, str | F]
) -> dict[str, list[int]]:
    """For each named column (a field, or an expression of fields), its sum over the rows
    of ``query`` ``within`` each month of ``period``."""
    months = period.months()
    aggregates = {
        f"{name}_{i}": Coalesce(Sum(column, _filter=within(*period.window(m))), 0)
        for name, column in columns.items()
        for i, m in enumerate(months)
    }
    row = await _one_row(query, aggregates)
    return {name: [int(row[f"{name}_{i}"] or 0) for i in range(len(months))] for name in columns}
