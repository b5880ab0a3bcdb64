"""The staff Impact page: every figure against rows the test makes, in the table beside
its chart and in its CSV file, over the dates staff choose; staff only; no name."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest

from tests.conftest import log_in, post_form
from tests.curriculum.factories import make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.html_page import main_content, parse_page
from tests.members.factories import make_member
from tests.querycount import count_queries
from tests.soapbox.factories import make_speech
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc import ratelimit
from yoc.accounts.enums import Role
from yoc.curriculum.models import ModuleCompletion
from yoc.i18n import gettext, local_time, use_language
from yoc.impact.services.figures import FIGURES
from yoc.members.enums import ApplicationDecision, Community
from yoc.members.models import MemberProfile
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Speech, SpeechEvent
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing
from yoc.tickets.forms import TicketTypeForm
from yoc.tickets.models import Order
from yoc.tickets.services import states, types
from yoc.timeutil import utcnow

JAN_TO_MAR = "from=2026-01-01&to=2026-03-31"
SPEAKER = "Zyanya Quetzalli"
BUYER = "Xochitl Buyername"


def at(day: str) -> datetime:
    """Noon UTC of ``day``: the same day in the valley."""
    return datetime.fromisoformat(f"{day}T19:00:00").replace(tzinfo=UTC)


@dataclass
class Scene:
    event_en: str
    event_es: str


async def _approved(community: Community, day: str, **overrides) -> None:
    member = await make_member(community=community, **overrides)
    await MemberProfile.filter(user=member).update(decided_at=at(day))


async def _members() -> None:
    await _approved(Community.MECCA, "2025-12-10", name=SPEAKER)
    await _approved(Community.MECCA, "2026-02-15")
    await _approved(Community.INDIO, "2026-03-05")
    await _approved(Community.INDIO, "2026-04-10")
    for _ in range(5):
        await _approved(Community.COACHELLA, "2026-01-20")
    await make_member(community=Community.COACHELLA, decision=ApplicationDecision.PENDING)


async def _completions() -> None:
    track = await make_track()
    member = await make_member()
    for day in ("2026-01-05", "2026-01-28", "2026-03-31", "2026-04-01"):
        done = await ModuleCompletion.create(member=member, module=await make_module(track))
        await ModuleCompletion.filter(id=done.id).update(completed_at=at(day))


async def _speeches() -> None:
    speaker = await make_member(name=f"{SPEAKER} Two")
    for day in ("2026-02-02", "2026-02-20", "2026-03-09", "2025-11-01"):
        speech = await make_speech(speaker)
        await Speech.filter(id=speech.id).update(submitted_at=at(day))
    await make_speech(speaker, state=SpeechState.DRAFT)
    delivered = await make_speech(speaker, state=SpeechState.CONFIRMED)
    event = await SpeechEvent.create(
        speech=delivered,
        from_state=SpeechState.CONFIRMED,
        to_state=SpeechState.DELIVERED,
        actor_name="Staff",
    )
    await SpeechEvent.filter(id=event.id).update(created_at=at("2026-03-14"))


async def _paid(order: Order, day: str, settings=None) -> None:
    if order.status == OrderStatus.PENDING:
        await states.mark_paid_at_door(order, actor="Staff", settings=settings)
    await Order.filter(id=order.id).update(paid_at=at(day))


async def _tickets(settings, *, event_name: str = "") -> Scene:
    names = {"name_en": event_name, "name_es": event_name} if event_name else {}
    event = await make_event(donation_price_cents=1000, **names)
    general = await types.create_ticket_type(
        event,
        TicketTypeForm(
            name_en="General", name_es="General", pricing=Pricing.FIXED, price_cents=1500
        ),
    )
    youth = await make_ticket_type(event, name_en="Youth", name_es="Juventud")
    buy = {"buyer_name": BUYER, "payment": PaymentMethod.BOX_OFFICE}
    first = await make_order(event, settings, {general: 2}, buyer_email="x1@example.org", **buy)
    await _paid(first, "2026-01-15", settings)
    giving = await make_order(
        event, settings, {youth: 1}, donate=2, buyer_email="x2@example.org", **buy
    )
    await _paid(giving, "2026-02-10", settings)
    claim = await make_order(
        event, settings, payment=PaymentMethod.FREE, claim=1, buyer_email="c@example.org"
    )
    await _paid(claim, "2026-03-01", settings)
    again = await make_order(event, settings, donate=1, buyer_email="x4@example.org", **buy)
    await _paid(again, "2026-03-20", settings)
    later = await make_order(event, settings, {general: 1}, buyer_email="x3@example.org", **buy)
    await _paid(later, "2026-05-01", settings)
    await make_order(event, settings, {general: 1}, buyer_email="p@example.org")
    return Scene(event.name_en, event.name_es)


@pytest.fixture
async def scene(settings) -> Scene:
    await _members()
    await _completions()
    await _speeches()
    return await _tickets(settings)


@pytest.fixture(autouse=True)
def no_rate_limit_sweep(monkeypatch) -> None:
    monkeypatch.setattr(ratelimit, "sweep_due", lambda: False)


@contextlib.asynccontextmanager
async def signed_in(app, role: Role, language: str = "en") -> AsyncIterator[httpx.AsyncClient]:
    user = await make_user(role=role, language=language)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        await log_in(client, user.email, PASSWORD)
        yield client


@pytest.fixture
async def staff(app) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in(app, Role.STAFF) as client:
        yield client


def tables(response: httpx.Response) -> dict[str, list[list[str]]]:
    """Each figure's table by its heading: the header row, then the rows, as read."""
    main = main_content(parse_page(response.text))
    found = {}
    for section in main.find_all("section", class_="impact-figure"):
        rows = section.find("table").find_all("tr")
        found[section.find("h2").text] = [
            [cell.text for cell in row.elements if cell.tag in ("th", "td")] for row in rows
        ]
    return found


def csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.text)))


def expected(event: str) -> dict[str, list[list[str]]]:
    return {
        "Active members over time": [
            ["Month", "Active members"],
            ["Jan 2026", "6"],
            ["Feb 2026", "7"],
            ["Mar 2026", "8"],
        ],
        "Active members by community": [
            ["Community", "Active members"],
            ["North Shore", "0"],
            ["Mecca", "fewer than 5"],
            ["Thermal", "0"],
            ["Oasis", "0"],
            ["Coachella", "5"],
            ["Indio", "fewer than 5"],
        ],
        "Modules completed": [
            ["Month", "Modules completed"],
            ["Jan 2026", "2"],
            ["Feb 2026", "0"],
            ["Mar 2026", "1"],
        ],
        "Soapbox Speeches proposed and delivered": [
            ["Month", "Speeches proposed", "Speeches delivered"],
            ["Jan 2026", "0", "0"],
            ["Feb 2026", "2", "0"],
            ["Mar 2026", "1", "1"],
        ],
        "Hours served": [
            ["Month", "Verified service hours", "Hours on volunteer shifts"],
            ["Jan 2026", "0", "0"],
            ["Feb 2026", "0", "0"],
            ["Mar 2026", "0", "0"],
        ],
        "Attendance rate per group": [
            ["Group", "Meetings with attendance taken", "Attendance rate"],
            ["Nothing to count yet."],
        ],
        "Festival tickets sold, donated and claimed": [
            ["Month", "Tickets sold", "Tickets donated", "Donated tickets claimed"],
            ["Jan 2026", "2", "0", "0"],
            ["Feb 2026", "1", "2", "0"],
            ["Mar 2026", "0", "1", "1"],
        ],
        "Festival revenue by ticket type": [
            ["Ticket type", "Tickets", "Revenue"],
            [f"{event} · General", "2", "$30.00"],
            [f"{event} · Youth", "1", "$0.00"],
            ["Donated tickets", "3", "$30.00"],
        ],
    }


async def test_every_figure_counts_what_happened_in_the_chosen_months(
    staff: httpx.AsyncClient, scene: Scene
) -> None:
    response = await staff.get(f"/staff/impact?{JAN_TO_MAR}")

    assert response.status_code == 200
    assert tables(response) == expected(scene.event_en)


async def test_each_csv_holds_the_same_figures_as_its_table(
    staff: httpx.AsyncClient, scene: Scene
) -> None:
    keys = {
        "Active members over time": "active_members",
        "Modules completed": "modules_completed",
        "Soapbox Speeches proposed and delivered": "speeches",
        "Festival tickets sold, donated and claimed": "festival_tickets",
    }
    for title, key in keys.items():
        response = await staff.get(f"/staff/impact/{key}.csv?{JAN_TO_MAR}")
        assert response.status_code == 200
        assert csv_rows(response) == expected(scene.event_en)[title], key
    assert f"{key}-2026-01-01-2026-03-31.csv" in response.headers["content-disposition"]

    revenue = csv_rows(await staff.get(f"/staff/impact/revenue_by_ticket_type.csv?{JAN_TO_MAR}"))
    assert revenue == [
        ["Ticket type", "Tickets", "Revenue"],
        [f"{scene.event_en} · General", "2", "30.00"],
        [f"{scene.event_en} · Youth", "1", "0.00"],
        ["Donated tickets", "3", "30.00"],
    ]
    community = csv_rows(await staff.get(f"/staff/impact/members_by_community.csv?{JAN_TO_MAR}"))
    assert community[2] == ["Mecca", "<5"]
    assert community[5] == ["Coachella", "5"]


async def test_a_shorter_range_counts_only_its_days(staff: httpx.AsyncClient, scene: Scene) -> None:
    response = await staff.get("/staff/impact?from=2026-02-01&to=2026-02-28")

    found = tables(response)
    assert found["Active members over time"] == [["Month", "Active members"], ["Feb 2026", "7"]]
    assert found["Festival tickets sold, donated and claimed"][1:] == [["Feb 2026", "1", "2", "0"]]
    assert found["Festival revenue by ticket type"][1:] == [
        [f"{scene.event_en} · Youth", "1", "$0.00"],
        ["Donated tickets", "2", "$20.00"],
    ]
    # A range that starts inside a month counts only its own days of it.
    late_january = tables(await staff.get("/staff/impact?from=2026-01-16&to=2026-01-31"))
    assert late_january["Modules completed"][1:] == [["Jan 2026", "1"]]
    assert late_january["Festival tickets sold, donated and claimed"][1:] == [
        ["Jan 2026", "0", "0", "0"]
    ]


async def test_without_dates_the_page_shows_the_last_twelve_months(
    staff: httpx.AsyncClient,
) -> None:
    response = await staff.get("/staff/impact")

    months = [row[0] for row in tables(response)["Modules completed"][1:]]
    assert len(months) == 12
    page = parse_page(response.text)
    assert page.by_id("range-to")["value"] == local_time(utcnow()).date().isoformat()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-03-01&to=2026-02-01", "range-to", "The end date must be after the start date."),
        ("from=soon", "range-from", "Enter a date."),
        ("from=2019-01-01&to=2026-01-01", "range-to", "Choose a range of at most five years."),
        ("from=1999-01-01&to=2000-01-01", "range-from", "Enter a date between 2000 and 2100."),
    ],
)
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_range_that_cannot_be_refused_in_the_visitors_language(
    app, query: str, field: str, message: str, language: str
) -> None:
    async with signed_in(app, Role.STAFF, language) as staff:
        response = await staff.get(f"/staff/impact?{query}")

    assert response.status_code == 422
    page = parse_page(response.text)
    with use_language(language):
        text = gettext(message)
    assert page.by_id(f"{field}-error").text == text
    if language == "es":
        assert text != message
    assert page.by_id(field)["aria-invalid"] == "true"
    assert page.find("section", class_="impact-figure") is None


async def test_the_csv_of_a_refused_range_is_refused(staff: httpx.AsyncClient) -> None:
    response = await staff.get("/staff/impact/speeches.csv?from=2026-03-01&to=2026-02-01")
    assert response.status_code == 422
    assert (await staff.get("/staff/impact/no_such_figure.csv")).status_code == 404


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MENTOR])
@pytest.mark.parametrize(
    "url", ["/staff/impact", "/staff/impact/speeches.csv", "/staff/impact/publish"]
)
async def test_members_and_mentors_are_refused(app, role: Role, url: str) -> None:
    async with signed_in(app, role) as client:
        assert (await client.get(url)).status_code == 403
        refused = await post_form(
            client,
            "/dashboard",
            {"year": "2026", "figures": "speeches"},
            action="/staff/impact/publish",
        )
    assert refused.status_code == 403


async def test_signed_out_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    for url in ("/staff/impact", "/staff/impact/speeches.csv", "/staff/impact/publish"):
        response = await client.get(url)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


async def test_admins_see_the_page_too(app) -> None:
    async with signed_in(app, Role.ADMIN) as admin:
        response = await admin.get("/staff/impact")
    assert len(tables(response)) == len(FIGURES)


async def test_no_member_or_buyer_is_named(staff: httpx.AsyncClient, scene: Scene) -> None:
    page = await staff.get(f"/staff/impact?{JAN_TO_MAR}")
    files = [
        (await staff.get(f"/staff/impact/{key}.csv?{JAN_TO_MAR}")).text for key in tables_keys()
    ]

    names = await MemberProfile.all().values_list("display_name", flat=True)
    for text in (page.text, *files):
        for name in (SPEAKER, BUYER, "Xochitl", "x1@example.org", *names):
            assert name not in text


def tables_keys() -> list[str]:
    return [
        "active_members",
        "members_by_community",
        "modules_completed",
        "speeches",
        "hours_served",
        "attendance_by_group",
        "festival_tickets",
        "revenue_by_ticket_type",
    ]


async def test_a_name_that_reads_as_a_formula_is_text_in_the_csv(
    staff: httpx.AsyncClient, settings
) -> None:
    await _tickets(settings, event_name='=HYPERLINK("http://evil.example")')

    rows = csv_rows(await staff.get(f"/staff/impact/revenue_by_ticket_type.csv?{JAN_TO_MAR}"))

    assert rows[1][0] == '\'=HYPERLINK("http://evil.example") · General'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def _svgs(response: httpx.Response) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", response.text, re.S)


async def test_charts_are_inline_svg_that_the_content_security_policy_allows(
    staff: httpx.AsyncClient, scene: Scene
) -> None:
    response = await staff.get(f"/staff/impact?{JAN_TO_MAR}")

    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    svgs = _svgs(response)
    assert len(svgs) == len(FIGURES)
    for svg in svgs:
        assert "<script" not in svg and "<style" not in svg and " style=" not in svg
        # No event handler attribute (onload=, onclick= ...) in any tag.
        assert not re.search(r"<[^>]*\son\w+\s*=", re.sub(r'"[^"]*"', '""', svg))
        assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
        )
    ids = re.findall(r'\bid="([^"]+)"', response.text)
    assert len(ids) == len(set(ids))
    chart = parse_page(response.text).find("svg")
    assert chart["role"] == "img"
    assert chart["aria-label"].startswith("Active members over time: a chart")


async def test_the_page_sends_the_same_queries_however_many_members(
    staff: httpx.AsyncClient,
) -> None:
    counts = []
    for more in (2, 12):
        for _ in range(more):
            await make_member(community=Community.OASIS)
        with count_queries() as queries:
            response = await staff.get(f"/staff/impact?{JAN_TO_MAR}")
        assert response.status_code == 200
        counts.append(len(queries))
    # The session, then the six figures: one query each, two for speeches, three for
    # tickets per month and revenue by type.
    assert counts[0] == counts[1], queries.text()


async def test_the_page_in_spanish(app, scene: Scene) -> None:
    async with signed_in(app, Role.STAFF, "es") as staff:
        response = await staff.get(f"/staff/impact?{JAN_TO_MAR}")
        csv_text = (await staff.get(f"/staff/impact/festival_tickets.csv?{JAN_TO_MAR}")).text

    found = tables(response)
    with use_language("es"):
        title = gettext("Active members over time")
        header = gettext("Tickets sold")
    assert title != "Active members over time"
    assert found[title] == [
        [gettext_es("Month"), gettext_es("Active members")],
        ["ene 2026", "6"],
        ["feb 2026", "7"],
        ["mar 2026", "8"],
    ]
    assert header in csv_text.splitlines()[0]
    assert parse_page(response.text).find("svg")["aria-label"].startswith(title)
    assert "ene 2026" in _svgs(response)[0]


def gettext_es(message: str) -> str:
    with use_language("es"):
        text = gettext(message)
    assert text != message
    return text
