"""Staff: the Impact page, a CSV file per figure, and the figures published for a year."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import DomainError, ValidationFailed
from yoc.forms import parse
from yoc.http import (
    current_user,
    flash,
    forget_shared_pages,
    redirect,
    render,
    render_form,
    requires,
)
from yoc.i18n import gettext, local_time
from yoc.impact.forms import PublishIn, RangeQuery
from yoc.impact.services import publishing, showing
from yoc.impact.services.figures import FIGURES
from yoc.permissions import Action
from yoc.timeutil import utcnow


def _today() -> date:
    return local_time(utcnow()).date()


def _range(request: Request) -> RangeQuery:
    return parse(RangeQuery, dict(request.query_params), context={"today": _today()})


@requires(Action.VIEW_IMPACT)
async def impact(request: Request) -> Response:
    values = dict(request.query_params)
    try:
        period = _range(request).period()
    except ValidationFailed as error:
        return render_form(
            request,
            "impact/staff_impact.html",
            values=values,
            error=error,
            context={"period": None, "shown": []},
        )
    return render(
        request,
        "impact/staff_impact.html",
        {
            "values": {"from": period.start.isoformat(), "to": period.end.isoformat()},
            "period": period,
            "shown": await showing.shown(period),
        },
    )


@requires(Action.VIEW_IMPACT)
async def figure_csv(request: Request) -> Response:
    figure = showing.figure(request.path_params["key"])
    period = _range(request).period()
    name = f"yoc-{figure.key}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        await showing.csv_of(figure, period),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@requires(Action.VIEW_IMPACT)
async def publish(request: Request) -> Response:
    today = _today()
    if request.method == "GET":
        year = parse(PublishIn, {"year": request.query_params.get("year") or today.year}).year
        chosen = await publishing.published(year)
        return render(
            request,
            "impact/publish.html",
            {"figures": FIGURES, "chosen": chosen, "values": {"year": str(year)}, "year": year},
        )
    form = await request.form()
    values = {"year": form.get("year", ""), "figures": form.getlist("figures")}
    try:
        data = parse(PublishIn, values)
    except DomainError as error:
        context = {"figures": FIGURES, "chosen": values["figures"], "year": None}
        return render_form(
            request, "impact/publish.html", values=values, error=error, context=context
        )
    chosen = await publishing.publish(data.year, data.figures, by_name=current_user(request).name)
    forget_shared_pages(request)
    flash(
        request,
        gettext("The figures for %(year)s are published.", year=data.year)
        if chosen
        else gettext("Nothing is published for %(year)s.", year=data.year),
    )
    return redirect(f"/staff/impact/publish?year={data.year}")


routes = [
    Route("/staff/impact", impact, name="impact:page"),
    Route("/staff/impact/publish", publish, methods=["GET", "POST"], name="impact:publish"),
    Route("/staff/impact/{key:str}.csv", figure_csv, name="impact:csv"),
]
