"""Each main page sends a fixed number of SQL statements, however many rows it shows: an
N+1 shows up here as a count that grows with the rows, long before it shows up as time.

Each test renders a page for a small and a large set of rows and asserts the same,
known count for both. Lists that come a page at a time (orders, with 20 or 20,000 of them)
are held to the same.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from tortoise import connections

from tests.conftest import log_in
from tests.curriculum.factories import make_activity, make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from tests.querycount import count_queries
from tests.tickets.factories import (
    bearer_for,
    bulk_orders,
    make_event,
    make_order,
    make_ticket_type,
)
from yoc import ratelimit
from yoc.accounts.enums import Role
from yoc.curriculum.enums import Completion, ProgressState
from yoc.curriculum.models import ActivityProgress, Assignment, ModuleCompletion, ProgressEvent
from yoc.db import is_postgres
from yoc.events.models import Event
from yoc.tickets.enums import PaymentMethod
from yoc.tickets.models import Ticket
from yoc.tickets.services import signing

SMALL, LARGE = 3, 30


@pytest.fixture(autouse=True)
def no_rate_limit_sweep(monkeypatch) -> None:
    """One attempt in many also deletes expired rate-limit windows: one statement more,
    by chance. The counts here are of the statements every request sends."""
    monkeypatch.setattr(ratelimit, "sweep_due", lambda: False)


async def _queries(client: httpx.AsyncClient, url: str, **kwargs) -> tuple[int, str]:
    with count_queries() as queries:
        response = await client.get(url, **kwargs)
    assert response.status_code == 200, response.text
    return len(queries), queries.text()


# Festival page ------------------------------------------------------------------


async def _event_with_types(n: int) -> Event:
    event = await make_event(capacity=1000)
    for i in range(n):
        await make_ticket_type(event, name_en=f"Type {i}", name_es=f"Tipo {i}")
    return event


async def test_festival_page_makes_two_queries_whatever_the_number_of_ticket_types(
    client: httpx.AsyncClient,
) -> None:
    small, large = await _event_with_types(SMALL), await _event_with_types(LARGE)

    counts = [(await _queries(client, f"/events/{e.slug}"))[0] for e in (small, large)]

    # the event, its ticket types, its Soapbox lineup (release, speeches), and whether
    # any of its volunteer shifts still needs people
    assert counts == [5, 5]


async def test_festival_page_shared_copy_makes_no_query(client: httpx.AsyncClient) -> None:
    small, large = await _event_with_types(SMALL), await _event_with_types(LARGE)
    for event in (small, large):
        await client.get(f"/events/{event.slug}")

    counts = [(await _queries(client, f"/events/{e.slug}"))[0] for e in (small, large)]

    assert counts == [0, 0]


async def test_festival_page_for_a_signed_in_person_is_not_shared(
    client: httpx.AsyncClient,
) -> None:
    event = await _event_with_types(SMALL)
    await client.get(f"/events/{event.slug}")
    person = await make_user(role=Role.MEMBER)
    await log_in(client, person.email, PASSWORD)

    count, statements = await _queries(client, f"/events/{event.slug}")

    # the session, the member's standing (the menu offers only what they may use), then
    # the page's own five
    assert count == 7, statements


# Member dashboard ---------------------------------------------------------------


async def _member_with_modules(n: int, mentor) -> str:
    member = await make_member(email=f"member{n}@example.org")
    await make_cohort(members=[member], mentors=[mentor])
    track = await make_track()
    for i in range(n):
        module = await make_module(track)
        first = await make_activity(module)
        second = await make_activity(module, completion=Completion.REFLECTION)
        await Assignment.create(
            member=member, module=module, due_on=date.today() + timedelta(days=i - 2)
        )
        await ActivityProgress.create(member=member, activity=first, state=ProgressState.DONE)
        reflection = await ActivityProgress.create(
            member=member, activity=second, state=ProgressState.APPROVED
        )
        await ProgressEvent.create(
            progress=reflection,
            state=ProgressState.APPROVED,
            actor_name="Lucía",
            text="Well argued.",
            activity_title=second.title_en,
        )
        if i % 2:
            await ModuleCompletion.create(member=member, module=module)
    return member.email


async def test_member_dashboard_query_count_does_not_grow_with_modules(app) -> None:
    mentor = await make_user(role=Role.MENTOR)
    emails = [await _member_with_modules(n, mentor) for n in (SMALL, LARGE)]
    counts = []
    for email in emails:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            await log_in(client, email, PASSWORD)
            count, statements = await _queries(client, "/dashboard")
            again, statements_again = await _queries(client, "/dashboard")
            counts.append((count, again))

    # The session, the member's standing for the menu, the profile, the groups, their
    # mentors, the curriculum's stamp, then the learning summary's eleven, then the
    # member's speeches, the group's next meetings (no answers to read without one) and
    # the volunteer shifts.
    assert [c[0] for c in counts] == [20, 20], statements
    # Nothing changed since: the learning summary is the copy kept under the same stamp.
    assert [c[1] for c in counts] == [9, 9], statements_again


# Mentor cohort grid -------------------------------------------------------------


async def _cohort(n: int, mentor) -> int:
    track = await make_track()
    modules = [await make_module(track) for _ in range(n)]
    for module in modules:
        await make_activity(module)
        await make_activity(module, completion=Completion.ATTENDANCE)
    members = [await make_member(email=f"grid{n}-{i}@example.org") for i in range(n)]
    cohort = await make_cohort(members=members, mentors=[mentor])
    for member in members:
        for i, module in enumerate(modules):
            await Assignment.create(member=member, module=module)
            if i % 2:
                await ModuleCompletion.create(member=member, module=module)
    return cohort.id


async def test_cohort_grid_query_count_does_not_grow_with_members_and_modules(
    client: httpx.AsyncClient,
) -> None:
    mentor = await make_user(role=Role.MENTOR)
    cohorts = [await _cohort(n, mentor) for n in (SMALL, LARGE)]
    await log_in(client, mentor.email, PASSWORD)

    measured = [await _queries(client, f"/cohorts/{c}/progress") for c in cohorts]
    again = [await _queries(client, f"/cohorts/{c}/progress") for c in cohorts]

    # The session, the group, its members with the curriculum's stamp, then the grid's
    # own five: assignments, modules, activities, completions, progress; and the audit
    # log's line for each minor in it, in one insert.
    assert [m[0] for m in measured] == [9, 9], measured[1][1]
    # Nothing changed since: the grid is the copy kept under the same stamp.
    assert [m[0] for m in again] == [4, 4], again[1][1]


# Order page and check-in ---------------------------------------------------------


async def test_order_page_query_count_does_not_grow_with_tickets(
    client: httpx.AsyncClient, settings
) -> None:
    event = await make_event(capacity=1000)
    ticket_type = await make_ticket_type(event, max_per_order=50)
    placed = [
        await make_order(event, settings, {ticket_type: n}, payment=PaymentMethod.BOX_OFFICE)
        for n in (SMALL, LARGE)
    ]

    counts = [(await _queries(client, f"/orders/{o.code}/{o.key}"))[0] for o in placed]

    assert counts == [7, 7]  # the order, then its event, items, types, tickets, log, refunds


async def test_checkin_query_count_does_not_grow_with_orders(
    client: httpx.AsyncClient, settings
) -> None:
    counts = []
    for n in (SMALL, LARGE):
        event = await make_event(capacity=1000)
        await Event.filter(id=event.id).update(door_code=f"GATE{n}")
        ticket_type = await make_ticket_type(event)
        for _ in range(n):
            await make_order(event, settings, {ticket_type: 2}, payment=None)
        ticket = await Ticket.filter(order__event=event).first()
        code = await signing.code_for(ticket, event)
        with count_queries() as queries:
            response = await client.post(
                "/api/v1/checkin",
                json={"secret": code, "event": event.slug, "gate": "North", "scan_id": f"s{n}"},
                headers={"Authorization": f"Bearer door_GATE{n}"},
            )
        assert response.json()["result"] == "ok"
        counts.append(len(queries))

    # the wrong door codes from this address (none), the event, the ticket, then in one
    # transaction: the mark and the scan's record
    assert counts == [5, 5], queries.text()


async def test_free_order_api_query_count_does_not_grow_with_tickets(
    client: httpx.AsyncClient,
) -> None:
    event = await make_event(capacity=1000)
    ticket_type = await make_ticket_type(event, max_per_order=50)
    await signing.private_key(event)  # made once per event, by its first order
    counts = []
    for n in (SMALL, LARGE):
        with count_queries() as queries:
            response = await client.post(
                f"/api/v1/events/{event.slug}/orders",
                json={
                    "buyer": {"name": "Ana Buyer", "email": "ana@example.org"},
                    "items": [{"ticket_type": ticket_type.id, "quantity": n}],
                },
            )
        assert response.status_code == 201, response.text
        assert [t["status"] for t in response.json()["tickets"]] == ["valid"] * n
        counts.append(len(queries))

    # the orders from this address and those to the buyer's email (the database rate
    # limiter counts each and reads its count in one statement), the event, its ticket
    # types, then in one transaction: the order, its items, its tickets, its log, its
    # email, and the seats (the ticket type's, then the event's, which PostgreSQL takes
    # in one statement)
    seats = 1 if is_postgres() else 2
    assert counts == [9 + seats] * 2, queries.text()


# Lists a page at a time -----------------------------------------------------------


async def test_a_page_of_orders_makes_the_same_queries_with_20_or_20000_orders(
    app, client: httpx.AsyncClient
) -> None:
    staff = await make_user(role=Role.STAFF)
    headers = await bearer_for(staff)
    measured = []
    for n in (20, 20_000):
        event = await make_event(capacity=100_000)
        await bulk_orders(event, n, ties=3, start=datetime(2027, 5, 1, 12, tzinfo=UTC))
        url = f"/api/v1/events/{event.slug}/orders"
        # (the first request also notes when the token was last used)
        link = (await client.get(f"{url}?limit=10", headers=headers)).json()["next"]
        first = await _queries(client, f"{url}?limit=10", headers=headers)
        deeper = await _queries(client, link, headers=headers)
        filtered = await _queries(
            client, f"{url}?status=paid&from=2027-05-01&to=2027-05-31&limit=5", headers=headers
        )
        by_email = await _queries(client, f"{url}?email=buyer7@example.org", headers=headers)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as browser:
            await log_in(browser, staff.email, PASSWORD)
            page = await _queries(browser, f"/staff/events/{event.slug}/orders")
        measured.append((first, deeper, filtered, by_email, page))

    counts = [[count for count, _ in pages] for pages in measured]
    # The API: the token, the event, one page of orders. The staff page: the session,
    # the event, one page of orders.
    assert counts == [[3, 3, 3, 3, 3]] * 2, measured[1][1][1]


async def _plan(statement: str, values: list) -> str:
    """How the database would run ``statement``, as text."""
    connection = connections.get("default")
    if is_postgres():
        await connection.execute_script("ANALYZE orders")
        rows = await connection.execute_query_dict(f"EXPLAIN {statement}", values)
        return "\n".join(row["QUERY PLAN"] for row in rows)
    rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {statement}", values)
    return "\n".join(row["detail"] for row in rows)


@pytest.mark.parametrize("query", ["", "status=paid&", "from=2027-05-01&"])
async def test_a_page_of_orders_is_read_in_order_from_an_index(client, query) -> None:
    headers = await bearer_for(await make_user(role=Role.STAFF))
    event = await make_event(capacity=100_000)
    await bulk_orders(event, 20_000, start=datetime(2027, 5, 1, 12, tzinfo=UTC))
    await bulk_orders(await make_event(), 2_000)
    url = f"/api/v1/events/{event.slug}/orders?{query}limit=10"
    link = (await client.get(url, headers=headers)).json()["next"]

    with count_queries() as queries:
        response = await client.get(link, headers=headers)
    assert len(response.json()["orders"]) == 10
    plan = await _plan(queries.statements[-1], queries.values[-1])

    # An index on the event and the order of the list: no sort of the event's orders.
    assert "idx_orders_event_i" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
