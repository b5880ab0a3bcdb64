"""Figures as a page shows them: each table with its chart, and as a CSV file."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from anyio import to_thread
from markupsafe import Markup

from yoc.errors import NotFound
from yoc.i18n import N_, format_hours, format_money, format_number, format_percent, gettext
from yoc.impact.services.figures import (
    BY_KEY,
    FIGURES,
    Cell,
    Few,
    Figure,
    Hours,
    Money,
    Percent,
    Table,
)
from yoc.members.services.privacy import to_csv
from yoc.tally import Period


@dataclass(frozen=True)
class Shown:
    figure: Figure
    title: str
    table: Table
    svg: Markup

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The table's rows as the page writes them: "1,234", "$5.00", "fewer than 5"."""
        return [(label, [cell_text(c) for c in cells]) for label, cells in self.table.rows]


def cell_text(cell: Cell) -> str:
    if isinstance(cell, Money):
        return format_money(cell.cents)
    if isinstance(cell, Percent):
        return format_percent(cell.share)
    if isinstance(cell, Hours):
        return format_hours(cell.minutes)
    if isinstance(cell, Few):
        return gettext("fewer than %(num)d", num=cell.below)
    return format_number(cell)


def csv_cell(cell: Cell) -> str:
    if isinstance(cell, Money):
        return f"{cell.cents / 100:.2f}"
    if isinstance(cell, Percent):
        return f"{cell.share * 100:.1f}"
    if isinstance(cell, Hours):
        return f"{cell.minutes / 60:.2f}".rstrip("0").rstrip(".")
    if isinstance(cell, Few):
        return f"<{cell.below}"
    return str(cell)


def figure(key: str) -> Figure:
    if key not in BY_KEY:
        raise NotFound(N_("There is no such page."), "not_found")
    return BY_KEY[key]


async def _draw(figure: Figure, table: Table) -> Markup:
    """The chart, drawn in a worker thread: matplotlib takes some milliseconds of CPU."""
    # Imported on the first chart, not at start: matplotlib and numpy cost each server
    # process a second and tens of megabytes that only staff's Impact page needs.
    from yoc.impact.services import charts  # noqa: PLC0415 -- heavy, rarely used

    label = gettext(
        "%(title)s: a chart; the table beside it holds the same figures.",
        title=gettext(figure.title),
    )
    draw = functools.partial(
        charts.draw,
        table,
        figure.chart,
        label=label,
        prefix=f"chart-{figure.key}",
        shown=[cell_text(cells[-1]) for _, cells in table.rows],
    )
    return await to_thread.run_sync(draw)


async def shown(period: Period, keys: Iterable[str] | None = None) -> list[Shown]:
    """The figures (all, or those of ``keys``, in their usual order) over ``period``."""
    wanted = set(BY_KEY if keys is None else keys)
    found = []
    for f in FIGURES:
        if f.key in wanted:
            table = await f.table(period)
            found.append(Shown(f, gettext(f.title), table, await _draw(f, table)))
    return found


async def csv_of(figure: Figure, period: Period) -> str:
    """The figure's table as CSV: the same rows and columns, amounts in dollars."""
    table = await figure.table(period)
    return to_csv(
        list(table.columns),
        [[label, *(csv_cell(cell) for cell in cells)] for label, cells in table.rows],
    )
