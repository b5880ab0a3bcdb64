"""The public "Our year in numbers" page: only the figures staff published."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import NotFound
from yoc.forms import FIRST_YEAR, LAST_YEAR
from yoc.http import render, render_shared
from yoc.i18n import N_, local_time
from yoc.impact.services import publishing, showing
from yoc.timeutil import utcnow


async def _year_page(request: Request, year: int | None) -> Response:
    async def build() -> Response:
        shown_year = year or await publishing.latest_year()
        keys = await publishing.published(shown_year) if shown_year else []
        if year is not None and not keys:
            raise NotFound(N_("There is no such page."), "not_found")
        period = publishing.year_period(shown_year, local_time(utcnow()).date()) if keys else None
        return render(
            request,
            "impact/our_year.html",
            {
                "year": shown_year,
                "shown": await showing.shown(period, keys) if period else [],
            },
        )

    return await render_shared(request, ("our-year", year), build)


async def our_year(request: Request) -> Response:
    return await _year_page(request, None)


async def our_year_in(request: Request) -> Response:
    year = request.path_params["year"]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound(N_("There is no such page."), "not_found")
    return await _year_page(request, year)


routes = [
    Route("/our-year", our_year, name="impact:our_year"),
    Route("/our-year/{year:id}", our_year_in, name="impact:our_year_in"),
]
