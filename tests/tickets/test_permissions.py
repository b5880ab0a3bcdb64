"""Who may open which ticket page and call which ticket API, as a matrix of URL × role.

Staff pages: signed out → the sign-in page; member or mentor → 403; staff and admin →
the page. The staff API: no token → 401; a member's or mentor's token → 403. A refused
request changes nothing. Public pages work signed out; an unpublished event is 404.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest

from tests.accounts.factories import confirmation_header
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.tickets.factories import bearer_for, make_event, make_order, make_ticket_type
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.events.models import Event
from yoc.tickets.enums import OrderStatus, Pricing
from yoc.tickets.models import Order, OrderLog, Refund, Ticket, TicketType
from yoc.tickets.services import states

FORBIDDEN = "You do not have access to this page"
ROLES = {"member": Role.MEMBER, "mentor": Role.MENTOR, "staff": Role.STAFF, "admin": Role.ADMIN}
REFUSED = ("anonymous", "member", "mentor")
ALLOWED = ("staff", "admin")


@dataclass
class World:
    event: Event
    ticket_type: TicketType
    pending: Order  # pay at the door, not paid yet
    to_cancel: Order  # pay at the door, not paid yet
    paid: Order  # paid at the door

    def url(self, template: str) -> str:
        return template.format(
            slug=self.event.slug,
            type=self.ticket_type.id,
            pending=self.pending.code,
            to_cancel=self.to_cancel.code,
            paid=self.paid.code,
        )


@pytest.fixture
async def world(app, settings) -> World:
    event = await make_event(capacity=20)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    pending = await make_order(event, settings, {adult: 1}, buyer_email="ana@example.org")
    to_cancel = await make_order(event, settings, {adult: 1}, buyer_email="beto@example.org")
    paid = await make_order(event, settings, {adult: 2}, buyer_email="cata@example.org")
    await states.mark_paid_at_door(paid, actor="Door", settings=settings)
    for role in ROLES.values():
        await make_user(role=role, email=f"{role}@example.org", name=f"A {role}")
    return World(event, adult, pending, to_cancel, paid)


@asynccontextmanager
async def browser(app, who: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own, signed in as ``who`` (or not, for "anonymous")."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        if who != "anonymous":
            await log_in(client, f"{ROLES[who]}@example.org", PASSWORD)
        yield client


async def post_with_token(
    client: httpx.AsyncClient, path: str, data: dict[str, str]
) -> httpx.Response:
    """Post as a browser would: with the CSRF token of the visitor's session."""
    page = await client.get("/events")
    return await client.post(path, data={**data, "csrf_token": csrf_from(page.text)})


async def snapshot() -> tuple:
    """Everything a staff post could change."""
    return (
        await Event.all().order_by("id").values_list("slug", "name_en", "capacity"),
        await TicketType.all().order_by("id").values_list("name_en", "price_cents"),
        await Order.all().order_by("id").values_list("code", "status"),
        await Ticket.all().order_by("id").values_list("status", flat=True),
        await Refund.all().count(),
        await OrderLog.all().count(),
    )


STAFF_PAGES = [
    "/staff/events",
    "/staff/events/new",
    "/staff/events/{slug}",
    "/staff/events/{slug}/types/new",
    "/staff/ticket-types/{type}",
    "/staff/events/{slug}/orders",
    "/staff/events/{slug}/orders.csv",
    "/staff/orders/{paid}",
    "/staff/events/{slug}/box-office",
    "/staff/events/{slug}/waitlist",
]

EVENT_FIELDS = {
    "name_es": "El Matiz",
    "venue": "Mecca Community Park",
    "starts_at": "2027-09-18T15:00",
    "ends_at": "2027-09-18T22:00",
    "capacity": "300",
    "published": "1",
}
TYPE_FIELDS = {
    "name_es": "Adulto",
    "pricing": "fixed",
    "price": "20",
    "max_per_order": "10",
}

# (path, form, where staff land afterwards), in an order where each one changes something.
STAFF_POSTS = [
    (
        "/staff/events/new",
        {**EVENT_FIELDS, "slug": "pride-2027", "name_en": "Pride"},
        "/staff/events/pride-2027",
    ),
    (
        "/staff/events/{slug}",
        {**EVENT_FIELDS, "slug": "{slug}", "name_en": "Renamed"},
        "/staff/events/{slug}",
    ),
    (
        "/staff/events/{slug}/types/new",
        {**TYPE_FIELDS, "name_en": "Adult plus"},
        "/staff/events/{slug}",
    ),
    ("/staff/ticket-types/{type}", {**TYPE_FIELDS, "name_en": "Grown-up"}, "/staff/events/{slug}"),
    ("/staff/orders/{pending}/paid", {}, "/staff/orders/{pending}"),
    # As their confirmation pages post them (they ask first: test_confirmations.py).
    (
        "/staff/orders/{paid}/refund",
        {"reason": "rain", "scope": "all", "confirm": "yes"},
        "/staff/orders/{paid}",
    ),
    (
        "/staff/orders/{to_cancel}/cancel",
        {"reason": "no show", "confirm": "yes"},
        "/staff/orders/{to_cancel}",
    ),
]


# Staff pages -------------------------------------------------------------------------


async def test_signed_out_visitors_are_sent_to_sign_in_from_every_staff_page(app, world) -> None:
    pages = [world.url(p) for p in STAFF_PAGES]

    async with browser(app, "anonymous") as client:
        answers = {p: await client.get(p) for p in pages}

    assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(pages, 303)
    assert {p: r.headers["location"] for p, r in answers.items()} == {
        p: f"/login?next={quote(p)}" for p in pages
    }


@pytest.mark.parametrize("who", ["member", "mentor"])
async def test_members_and_mentors_get_403_on_every_staff_page(app, world, who) -> None:
    pages = [world.url(p) for p in STAFF_PAGES]

    async with browser(app, who) as client:
        answers = {p: await client.get(p) for p in pages}

    assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(pages, 403)
    assert {p for p, r in answers.items() if FORBIDDEN in r.text} == set(pages)
    assert {p for p, r in answers.items() if world.paid.buyer_email in r.text} == set()


@pytest.mark.parametrize("who", ALLOWED)
async def test_staff_and_admins_open_every_staff_page(app, world, who) -> None:
    pages = [world.url(p) for p in STAFF_PAGES]

    async with browser(app, who) as client:
        answers = {p: await client.get(p) for p in pages}

    assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(pages, 200)
    csv = answers[world.url("/staff/events/{slug}/orders.csv")]
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert world.paid.code in csv.text
    assert world.paid.buyer_email in answers[world.url("/staff/orders/{paid}")].text


@pytest.mark.parametrize("who", ALLOWED)
async def test_staff_get_404_for_events_and_orders_that_do_not_exist(app, world, who) -> None:
    pages = [
        "/staff/events/no-such-event",
        "/staff/events/no-such-event/types/new",
        "/staff/events/no-such-event/orders",
        "/staff/events/no-such-event/orders.csv",
        "/staff/ticket-types/999999",
        "/staff/orders/YOC-NOPE2345",
    ]

    async with browser(app, who) as client:
        answers = {p: (await client.get(p)).status_code for p in pages}

    assert answers == dict.fromkeys(pages, 404)


# Staff posts ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", REFUSED)
async def test_a_refused_staff_post_changes_nothing(app, world, who) -> None:
    before = await snapshot()

    async with browser(app, who) as client:
        answers = {
            world.url(path): await post_with_token(
                client, world.url(path), {k: world.url(v) for k, v in form.items()}
            )
            for path, form, _ in STAFF_POSTS
        }

    if who == "anonymous":
        expected = {url: (303, f"/login?next={quote(url)}") for url in answers}
    else:
        expected = dict.fromkeys(answers, (403, None))
    assert {u: (r.status_code, r.headers.get("location")) for u, r in answers.items()} == expected
    assert await snapshot() == before


@pytest.mark.parametrize("who", ALLOWED)
async def test_staff_and_admins_make_every_staff_post(app, world, who) -> None:
    answers = {}
    changed = {}

    async with browser(app, who) as client:
        for path, form, _ in STAFF_POSTS:
            url = world.url(path)
            before = await snapshot()
            response = await post_with_token(
                client, url, {k: world.url(v) for k, v in form.items()}
            )
            answers[url] = (response.status_code, response.headers.get("location"))
            changed[url] = await snapshot() != before

    assert answers == {world.url(path): (303, world.url(lands)) for path, _, lands in STAFF_POSTS}
    assert changed == dict.fromkeys(answers, True)
    assert dict(await Order.all().values_list("code", "status")) == {
        world.pending.code: OrderStatus.PAID,
        world.paid.code: OrderStatus.REFUNDED,
        world.to_cancel.code: OrderStatus.CANCELLED,
    }
    assert await Event.all().order_by("id").values_list("slug", "name_en") == [
        (world.event.slug, "Renamed"),
        ("pride-2027", "Pride"),
    ]
    assert sorted(await TicketType.all().values_list("name_en", flat=True)) == [
        "Adult plus",
        "Grown-up",
    ]


# The box office at the door ------------------------------------------------------------
# Staff, and volunteers let in with the event's door code (tests/tickets/test_box_office.py),
# sell there. Anybody else: a browser without door access is sent to enter the door code;
# a signed-in member or mentor gets 403. A refused sale changes nothing.

DOOR_PAGES = ["/door/{slug}/sell", "/door/{slug}/summary"]


def door_sale(world: World) -> dict[str, str]:
    return {"ticket_type": str(world.ticket_type.id), "quantity": "1", "payment": "door_cash"}


@pytest.mark.parametrize("who", REFUSED)
async def test_the_box_office_refuses_everyone_without_door_access(app, world, who) -> None:
    before = await snapshot()
    pages = [world.url(p) for p in DOOR_PAGES]

    async with browser(app, who) as client:
        answers = {p: await client.get(p) for p in pages}
        sale = await post_with_token(client, world.url("/door/{slug}/sell"), door_sale(world))

    expected = (303, "/door") if who == "anonymous" else (403, None)
    assert {p: (r.status_code, r.headers.get("location")) for p, r in answers.items()} == (
        dict.fromkeys(pages, expected)
    )
    assert (sale.status_code, sale.headers.get("location")) == expected
    assert await snapshot() == before


@pytest.mark.parametrize("who", ALLOWED)
async def test_staff_and_admins_sell_at_the_door(app, world, who) -> None:
    pages = [world.url(p) for p in DOOR_PAGES]

    async with browser(app, who) as client:
        answers = {p: (await client.get(p)).status_code for p in pages}
        sale = await post_with_token(client, world.url("/door/{slug}/sell"), door_sale(world))
        sold = await client.get(sale.headers["location"])

    assert answers == dict.fromkeys(pages, 200)
    assert sale.status_code == 303
    assert sale.headers["location"].startswith(world.url("/door/{slug}/sold/YOC-"))
    assert sold.status_code == 200
    assert (
        await Order.filter(event=world.event, sold_by__contains=f"{who}@example.org").count() == 1
    )


# Staff API -----------------------------------------------------------------------------

EVENT_IN = {
    "slug": "pride-2027",
    "name": {"en": "Pride 2027", "es": "Orgullo 2027"},
    "venue": "Coachella Library",
    "starts_at": "2027-06-12T16:00:00-07:00",
    "ends_at": "2027-06-12T22:00:00-07:00",
    "capacity": 300,
}
TYPE_IN = {"name": {"en": "Adult", "es": "Adulto"}, "pricing": "fixed", "price_cents": 2000}

# (method, path, JSON body, the status staff get)
STAFF_API = [
    ("POST", "/api/v1/events", EVENT_IN, 201),
    ("POST", "/api/v1/events/{slug}/ticket-types", TYPE_IN, 201),
    ("GET", "/api/v1/events/{slug}/orders", None, 200),
    ("GET", "/api/v1/orders/{paid}", None, 200),
    ("POST", "/api/v1/orders/{paid}/refund", {"reason": "rain"}, 200),
]


async def api_headers(who: str) -> dict[str, str]:
    if who == "anonymous":
        return {}
    return await bearer_for(await User.get(email=f"{ROLES[who]}@example.org"))


@pytest.mark.parametrize(
    ("who", "status", "error"),
    [
        ("anonymous", 401, "unauthenticated"),
        ("member", 403, "forbidden"),
        ("mentor", 403, "forbidden"),
    ],
)
async def test_the_staff_api_refuses_everyone_else_and_changes_nothing(
    app, client, world, who, status, error
) -> None:
    headers = await api_headers(who)
    before = await snapshot()

    answers = {
        f"{method} {world.url(path)}": await client.request(
            method, world.url(path), json=body, headers=headers
        )
        for method, path, body, _ in STAFF_API
    }

    assert {k: r.status_code for k, r in answers.items()} == dict.fromkeys(answers, status)
    assert {k: r.json()["error"] for k, r in answers.items()} == dict.fromkeys(answers, error)
    assert await snapshot() == before


@pytest.mark.parametrize("who", ALLOWED)
async def test_staff_and_admins_use_the_staff_api(app, client, settings, world, who) -> None:
    # A refund also carries a code from the caller's authenticator app.
    user = await User.get(email=f"{ROLES[who]}@example.org")
    headers = {**await api_headers(who), **await confirmation_header(user, settings)}

    answers = {
        f"{method} {world.url(path)}": (
            await client.request(method, world.url(path), json=body, headers=headers)
        ).status_code
        for method, path, body, _ in STAFF_API
    }

    assert answers == {
        f"{method} {world.url(path)}": expected for method, path, _, expected in STAFF_API
    }
    assert await Event.filter(slug="pride-2027").count() == 1
    assert await TicketType.filter(event=world.event, name_en="Adult").count() == 1
    assert (await Order.get(id=world.paid.id)).status == OrderStatus.REFUNDED


# Public pages --------------------------------------------------------------------------


async def test_public_pages_work_signed_out(app, client, world) -> None:
    listing = await client.get("/events")
    page = await client.get(f"/events/{world.event.slug}")
    order = await client.get(f"/orders/{world.paid.code}/{world.paid.key}")
    api = await client.get(f"/api/v1/events/{world.event.slug}")

    assert (listing.status_code, page.status_code, order.status_code, api.status_code) == (
        200,
        200,
        200,
        200,
    )
    assert f'href="/events/{world.event.slug}"' in listing.text
    assert f'action="/events/{world.event.slug}/review"' in page.text
    assert f"Order {world.paid.code}" in order.text
    assert api.json()["slug"] == world.event.slug


async def test_an_unpublished_event_is_404_for_the_public(app, client, settings) -> None:
    draft = await make_event(published=False)
    general = await make_ticket_type(draft)
    page = await client.get("/events")
    token = csrf_from(page.text)
    form = {
        f"qty_{general.id}": "1",
        "buyer_name": "Ana",
        "buyer_email": "ana@example.org",
        "csrf_token": token,
    }

    answers = {
        "page": (await client.get(f"/events/{draft.slug}")).status_code,
        "review": (await client.post(f"/events/{draft.slug}/review", data=form)).status_code,
        "order": (await client.post(f"/events/{draft.slug}/orders", data=form)).status_code,
        "api": (await client.get(f"/api/v1/events/{draft.slug}")).status_code,
        "api order": (
            await client.post(
                f"/api/v1/events/{draft.slug}/orders",
                json={
                    "buyer": {"name": "Ana", "email": "ana@example.org"},
                    "items": [{"ticket_type": general.id, "quantity": 1}],
                },
            )
        ).status_code,
    }

    assert answers == dict.fromkeys(answers, 404)
    assert draft.slug not in page.text
    assert draft.slug not in (await client.get("/api/v1/events")).text
    assert await Order.all().count() == 0


@pytest.mark.parametrize("who", ["member", "mentor"])
async def test_an_unpublished_event_is_404_for_members_and_mentors_too(app, world, who) -> None:
    draft = await make_event(published=False)

    async with browser(app, who) as client:
        response = await client.get(f"/events/{draft.slug}")

    assert response.status_code == 404
