"""The public "Our year in numbers" page: staff choose the figures and the year; the page
shows those and nothing else, in English and Spanish, and names nobody."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import post_form
from tests.html_page import main_content, parse_page
from tests.impact.test_impact_page import SPEAKER, _completions, _members, signed_in, tables
from yoc.accounts.enums import Role
from yoc.i18n import gettext, use_language
from yoc.impact.models import PublishedFigure


async def publish(app, year: str, *figures: str) -> tuple[httpx.Response, httpx.Response]:
    async with signed_in(app, Role.STAFF) as staff:
        response = await post_form(
            staff,
            f"/staff/impact/publish?year={year}",
            {"year": year, "figures": list(figures)},
            action="/staff/impact/publish",
        )
        shown = await staff.get(response.headers.get("location", "/staff/impact/publish"))
    return response, shown


def headings(response: httpx.Response) -> list[str]:
    main = main_content(parse_page(response.text))
    return [s.find("h2").text for s in main.find_all("section", class_="impact-figure")]


async def test_only_the_figures_staff_chose_are_public(app, client: httpx.AsyncClient) -> None:
    await _members()
    await _completions()

    response, form = await publish(app, "2026", "modules_completed", "members_by_community")

    assert response.status_code == 303
    assert "The figures for 2026 are published." in form.text
    checked = parse_page(form.text).find_all("input", type="checkbox", checked="")
    assert sorted(box["value"] for box in checked) == ["members_by_community", "modules_completed"]

    page = await client.get("/our-year/2026")
    assert page.status_code == 200
    assert headings(page) == ["Active members by community", "Modules completed"]
    found = tables(page)
    assert found["Modules completed"][1] == ["Jan 2026", "2"]
    assert ["Mecca", "fewer than 5"] in found["Active members by community"]
    assert "csv" not in page.text.lower().replace("csv_", "")
    assert SPEAKER not in page.text
    # The latest year with figures is the page without a year.
    assert headings(await client.get("/our-year")) == headings(page)


async def test_figures_taken_back_leave_the_page(app, client: httpx.AsyncClient) -> None:
    await publish(app, "2026", "speeches")
    assert headings(await client.get("/our-year/2026")) == [
        "Soapbox Speeches proposed and delivered"
    ]

    response, form = await publish(app, "2026")

    assert "Nothing is published for 2026." in form.text
    assert await PublishedFigure.all().count() == 0
    assert (await client.get("/our-year/2026")).status_code == 404
    empty = await client.get("/our-year")
    assert empty.status_code == 200
    assert headings(empty) == []
    assert "Our figures for this year are not published yet." in empty.text


async def test_another_year_is_published_apart(app, client: httpx.AsyncClient) -> None:
    await publish(app, "2025", "active_members")
    await publish(app, "2026", "festival_tickets")

    last_year = await client.get("/our-year/2025")

    assert headings(last_year) == ["Active members over time"]
    assert tables(last_year)["Active members over time"][1][0] == "Jan 2025"
    assert len(tables(last_year)["Active members over time"]) == 13
    assert headings(await client.get("/our-year")) == ["Festival tickets sold, donated and claimed"]
    assert (await client.get("/our-year/2024")).status_code == 404
    assert (await client.get("/our-year/99999")).status_code == 404


@pytest.mark.parametrize(
    ("year", "figures", "field"),
    [("twenty", ("speeches",), "f-year"), ("2026", ("names_of_members",), "f-figures")],
)
async def test_a_choice_that_cannot_be_is_refused(app, year, figures, field) -> None:
    response, _ = await publish(app, year, *figures)

    assert response.status_code == 422
    assert parse_page(response.text).by_id(f"{field}-error") is not None
    assert await PublishedFigure.all().count() == 0


async def test_the_page_in_spanish(app, client: httpx.AsyncClient) -> None:
    await publish(app, "2026", "modules_completed")

    page = await client.get("/our-year/2026", headers={"Accept-Language": "es"})

    with use_language("es"):
        title, heading = gettext("Our year in numbers"), gettext("Modules completed")
    assert (title, heading) == ("Nuestro año en números", "Módulos completados")
    assert parse_page(page.text).find("h1").text == f"{title}: 2026"
    assert headings(page) == [heading]
    assert tables(page)[heading][1][0] == "ene 2026"


async def test_the_footer_of_every_page_leads_to_it(client: httpx.AsyncClient) -> None:
    home = parse_page((await client.get("/", headers={"Accept-Language": "es"})).text)

    link = home.find("footer").find("a", href="/our-year")

    assert link is not None and link.text == "Nuestro año en números"
