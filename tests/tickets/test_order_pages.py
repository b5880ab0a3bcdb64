"""The orders of an event, a page at a time: in the API (a cursor and a ``next`` link)
and on the staff page (Next and Previous links), with the filters staff use."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.tickets.factories import bearer_for, bulk_orders, make_event
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.tickets.enums import OrderStatus
from yoc.tickets.models import Order

BAD_CURSOR = (
    "This page link is not valid, or was made for another list. Start again from the first page."
)


@pytest.fixture
async def staff(app) -> dict[str, str]:
    return await bearer_for(await make_user(role=Role.STAFF))


async def newest_first(event: Event, **filters) -> list[str]:
    """The codes of the event's orders as the list must show them: newest first, and of
    orders placed at the same moment, the last written first."""
    rows = await Order.filter(event=event, **filters).values_list("created_at", "id", "code")
    return [code for _, _, code in sorted(rows, reverse=True)]


async def walk(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> list[list[str]]:
    """Every page from ``url`` on, following ``next`` links: the codes on each page."""
    pages = []
    while url:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert list(body) == ["orders", "next"]
        pages.append([order["code"] for order in body["orders"]])
        url = body["next"]
        assert len(pages) < 100, "the pages never end"
    return pages


async def test_pages_show_every_order_once_newest_first(client, staff) -> None:
    event = await make_event()
    # 23 orders, three at each moment: the id decides among them.
    await bulk_orders(event, 23, ties=3)

    pages = await walk(client, f"/api/v1/events/{event.slug}/orders?limit=5", staff)

    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert [code for page in pages for code in page] == await newest_first(event)


async def test_a_full_last_page_has_no_next_link(client, staff) -> None:
    event = await make_event()
    await bulk_orders(event, 10)

    pages = await walk(client, f"/api/v1/events/{event.slug}/orders?limit=5", staff)

    assert [len(page) for page in pages] == [5, 5]


async def test_fifty_by_default_and_up_to_two_hundred(client, staff) -> None:
    event = await make_event()
    await bulk_orders(event, 210)
    url = f"/api/v1/events/{event.slug}/orders"

    default = (await client.get(url, headers=staff)).json()
    most = (await client.get(f"{url}?limit=200", headers=staff)).json()

    assert len(default["orders"]) == 50
    assert default["next"].startswith(f"{url}?cursor=")
    assert len(most["orders"]) == 200
    assert most["next"].startswith(f"{url}?limit=200&cursor=")


async def test_other_events_orders_are_not_listed(client, staff) -> None:
    event, other = await make_event(), await make_event()
    await bulk_orders(event, 3)
    await bulk_orders(other, 4)

    pages = await walk(client, f"/api/v1/events/{event.slug}/orders?limit=2", staff)

    assert [code for page in pages for code in page] == await newest_first(event)


# Filters -------------------------------------------------------------------------


async def test_next_links_keep_the_status_filter(client, staff) -> None:
    event = await make_event()
    await bulk_orders(event, 7, status=OrderStatus.PAID)
    await bulk_orders(event, 6, status=OrderStatus.PENDING)

    pages = await walk(client, f"/api/v1/events/{event.slug}/orders?status=pending&limit=4", staff)

    assert [len(page) for page in pages] == [4, 2]
    assert [c for page in pages for c in page] == await newest_first(event, status="pending")


async def test_the_email_filter_matches_the_whole_address_in_any_case(client, staff) -> None:
    event = await make_event()
    await bulk_orders(event, 3, email="ana@example.org")
    await bulk_orders(event, 1, email="bana@example.org")
    await bulk_orders(event, 1, email="ana@example.org.mx")

    pages = await walk(
        client, f"/api/v1/events/{event.slug}/orders?email=Ana@Example.ORG&limit=2", staff
    )

    assert [len(page) for page in pages] == [2, 1]
    assert [c for page in pages for c in page] == await newest_first(
        event, buyer_email="ana@example.org"
    )


async def test_the_day_filters_are_days_in_the_valley(client, staff) -> None:
    event = await make_event()
    # 23:30 on April 30 in the valley (UTC-7), then 01:00 on May 1, 23:30 on May 1, May 2.
    moments = ["2027-05-01T06:30", "2027-05-01T08:00", "2027-05-02T06:30", "2027-05-02T08:00"]
    for moment in moments:
        await bulk_orders(event, 1, start=datetime.fromisoformat(moment).replace(tzinfo=UTC))
    codes = list(reversed(await newest_first(event)))  # oldest first
    url = f"/api/v1/events/{event.slug}/orders"

    async def listed(query: str) -> list[str]:
        return [c for page in await walk(client, f"{url}?{query}", staff) for c in page]

    assert await listed("to=2027-04-30") == [codes[0]]
    assert await listed("from=2027-05-01&to=2027-05-01") == [codes[2], codes[1]]
    assert await listed("from=2027-05-02") == [codes[3]]
    assert await listed("from=2027-05-01&limit=1") == [codes[3], codes[2], codes[1]]


async def test_q_still_searches_names_emails_and_codes(client, staff) -> None:
    event = await make_event()
    await bulk_orders(event, 12)

    pages = await walk(client, f"/api/v1/events/{event.slug}/orders?q=buyer1&limit=2", staff)

    # the emails buyer1@, buyer10@ and buyer11@
    emails = [f"buyer{i}@example.org" for i in (1, 10, 11)]
    assert [len(page) for page in pages] == [2, 1]
    assert [c for page in pages for c in page] == await newest_first(event, buyer_email__in=emails)


# Refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("limit=0", {"limit": "Ask for between 1 and 200 at a time."}),
        ("limit=201", {"limit": "Ask for between 1 and 200 at a time."}),
        ("limit=ten", {"limit": "Ask for between 1 and 200 at a time."}),
        ("limit=-1", {"limit": "Ask for between 1 and 200 at a time."}),
        ("status=lost", {"status": "Choose one of the options."}),
        ("email=ana", {"email": "Enter an email address like name@example.com."}),
        ("from=9999-12-31", {"from": "Enter a date between 2000 and 2100."}),
        ("from=May", {"from": "Enter a date."}),
        ("from=2027-05-02&to=2027-05-01", {"to": "The end date must be after the start date."}),
        ("q=" + "x" * 101, {"q": "This is too long."}),
    ],
)
async def test_a_bad_limit_or_filter_is_refused_with_a_message(
    client, staff, query, fields
) -> None:
    event = await make_event()

    response = await client.get(f"/api/v1/events/{event.slug}/orders?{query}", headers=staff)

    assert response.status_code == 422
    assert response.json()["fields"] == fields


def _tampered(token: str) -> str:
    """The same cursor with one character of its payload changed."""
    data, signature = token.split(".")
    swapped = "A" if data[5] != "A" else "B"
    return f"{data[:5]}{swapped}{data[6:]}.{signature}"


async def test_a_cursor_that_was_not_made_here_is_refused(client, staff) -> None:
    event = await make_event()
    await bulk_orders(event, 3)
    url = f"/api/v1/events/{event.slug}/orders"
    first = (await client.get(f"{url}?limit=1", headers=staff)).json()
    token = re.search(r"cursor=([^&]+)", first["next"])[1]
    for bad in [
        "nonsense",
        "a.b.c",
        "\x00",
        _tampered(token),
        token[:-2],
        "x" * 700,
        "eyJrIjoib3JkZXJzIiwidiI6WzEsMl19.AAAAAAAAAAAAAAAA",  # unsigned
    ]:
        response = await client.get(url, params={"cursor": bad}, headers=staff)
        assert response.status_code in (400, 422), (bad, response.text)
        if response.status_code == 422:
            assert response.json() == {
                "error": "invalid_cursor",
                "message": BAD_CURSOR,
                "fields": {"cursor": BAD_CURSOR},
            }


async def test_a_cursor_of_another_list_is_refused(client, staff) -> None:
    event = await make_event()
    await make_event()
    await make_event()
    events_page = (await client.get("/api/v1/events?limit=1")).json()
    token = re.search(r"cursor=([^&]+)", events_page["next"])[1]

    response = await client.get(f"/api/v1/events/{event.slug}/orders?cursor={token}", headers=staff)

    assert (response.status_code, response.json()["error"]) == (422, "invalid_cursor")


async def test_a_bad_cursor_is_explained_in_the_callers_language(client) -> None:
    event = await make_event()
    headers = await bearer_for(await make_user(role=Role.STAFF, language="es"))

    response = await client.get(
        f"/api/v1/events/{event.slug}/orders?cursor=nonsense&limit=500", headers=headers
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "limit": "Pide entre 1 y 200 a la vez.",
        "cursor": (
            "Este enlace de página no es válido o se hizo para otra lista. "
            "Vuelve a empezar desde la primera página."
        ),
    }


# The staff page ----------------------------------------------------------------


NEXT_RE = re.compile(r'<a href="([^"]+)" rel="next">([^<]+)</a>')
PREV_RE = re.compile(r'<a href="([^"]+)" rel="prev">([^<]+)</a>')


def shown_codes(page: str) -> list[str]:
    return re.findall(r'<a href="/staff/orders/([^"]+)"><strong>', page)


@pytest.mark.parametrize(
    ("language", "next_text", "previous_text"),
    [("en", "Next", "Previous"), ("es", "Siguiente", "Anterior")],
)
async def test_the_staff_page_of_orders_links_the_next_and_previous_pages(
    client, language, next_text, previous_text
) -> None:
    event = await make_event()
    await bulk_orders(event, 5, status=OrderStatus.PENDING)
    await bulk_orders(event, 3, status=OrderStatus.PAID)
    person = await make_user(role=Role.STAFF, language=language)
    await log_in(client, person.email, PASSWORD)
    pending = await newest_first(event, status="pending")

    first = await client.get(f"/staff/events/{event.slug}/orders?status=pending&limit=2")
    link, text = NEXT_RE.search(first.text).groups()
    second = await client.get(html.unescape(link))
    back_link, back_text = PREV_RE.search(second.text).groups()
    back = await client.get(html.unescape(back_link))

    assert (first.status_code, second.status_code, back.status_code) == (200, 200, 200)
    assert (text, back_text) == (next_text, previous_text)
    assert "status=pending" in link
    assert PREV_RE.search(first.text) is None
    assert shown_codes(first.text) == pending[:2]
    assert shown_codes(second.text) == pending[2:4]
    assert shown_codes(back.text) == pending[:2]
    # The filter form still shows the status chosen.
    assert '<option value="pending" selected>' in second.text


async def test_the_last_staff_page_has_no_next_link(client) -> None:
    event = await make_event()
    await bulk_orders(event, 3)
    person = await make_user(role=Role.STAFF)
    await log_in(client, person.email, PASSWORD)

    first = await client.get(f"/staff/events/{event.slug}/orders?limit=2")
    last = await client.get(html.unescape(NEXT_RE.search(first.text)[1]))

    assert shown_codes(last.text) == (await newest_first(event))[2:]
    assert NEXT_RE.search(last.text) is None


async def test_the_staff_page_filters_by_day_and_explains_a_bad_range(client) -> None:
    event = await make_event()
    await bulk_orders(event, 2, start=datetime(2027, 5, 1, 18, tzinfo=UTC))
    await bulk_orders(event, 1, start=datetime(2027, 5, 3, 18, tzinfo=UTC))
    person = await make_user(role=Role.STAFF, language="es")
    await log_in(client, person.email, PASSWORD)
    url = f"/staff/events/{event.slug}/orders"

    found = await client.get(f"{url}?from=2027-05-01&to=2027-05-02")
    refused = await client.get(f"{url}?from=2027-05-03&to=2027-05-01")

    assert shown_codes(found.text) == (await newest_first(event))[1:]
    assert refused.status_code == 422
    assert "La fecha de fin debe ser posterior a la fecha de inicio." in refused.text
    assert 'value="2027-05-03"' in refused.text  # what was typed stays


async def test_the_csv_export_has_every_matching_order_past_a_page(client) -> None:
    event = await make_event()
    await bulk_orders(event, 260, start=datetime.now(UTC) - timedelta(hours=1))
    person = await make_user(role=Role.STAFF)
    await log_in(client, person.email, PASSWORD)

    response = await client.get(f"/staff/events/{event.slug}/orders.csv")

    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) == 1 + 260
