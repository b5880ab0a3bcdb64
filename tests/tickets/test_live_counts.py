"""The live counts page never reloads itself (a screen reader would start over every 15
seconds): a script puts fresh numbers in place, in a polite live region, from a piece of
the page that only staff may read; without JavaScript, a Refresh link. The browser side
is in tests/e2e/test_live_counts_journey.py."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.html_page import parse_page
from tests.tickets.factories import make_event, make_ticket_type
from tests.tickets.test_checkin import checkin, free_tickets, staff_headers, staff_session
from yoc.accounts.enums import Role


async def test_the_page_does_not_reload_itself_and_offers_a_refresh(client, settings) -> None:
    event = await make_event()
    await free_tickets(event, settings, await make_ticket_type(event), 2)
    await staff_session(client)

    response = await client.get(f"/door/{event.slug}/counts")

    page = parse_page(response.text)
    assert page.find("meta", http_equiv="refresh") is None
    region = page.by_id("live-counts")
    assert region is not None
    assert region["aria-live"] == "polite"
    assert region["data-src"] == f"/door/{event.slug}/counts/live"
    assert "0 of 2 checked in" in region.text
    refresh = page.find("a", id="refresh-counts")
    assert (refresh["href"], refresh.text) == (f"/door/{event.slug}/counts", "Refresh")
    scripts = [s.get("src") for s in page.find_all("script")]
    assert "/static/js/live-counts.js" in scripts


async def test_the_live_piece_answers_the_numbers_after_a_check_in(client, settings) -> None:
    event = await make_event()
    tickets = await free_tickets(event, settings, await make_ticket_type(event), 3)
    await staff_session(client)
    before = await client.get(f"/door/{event.slug}/counts/live")

    await checkin(client, await staff_headers(), event, tickets[0].secret, gate="North gate")
    after = await client.get(f"/door/{event.slug}/counts/live")

    assert before.status_code == after.status_code == 200
    assert after.headers["cache-control"] == "no-store"
    assert "<html" not in after.text  # a piece of the page, not a page
    assert parse_page(before.text).find("li").text == "0 of 3 checked in"
    piece = parse_page(after.text)
    assert piece.find("li").text == "1 of 3 checked in"
    rows = [[td.text for td in tr.find_all("td")] for tr in piece.find_all("tr")]
    assert ["General admission", "1", "3"] in rows
    assert ["North gate", "1"] in rows


async def test_the_live_piece_is_for_staff_only(app, client) -> None:
    event = await make_event()
    path = f"/door/{event.slug}/counts/live"

    anonymous = await client.get(path)
    member = await make_user(role=Role.MEMBER)
    await log_in(client, member.email, PASSWORD)
    refused = await client.get(path)

    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/login?next={path}"
    assert refused.status_code == 403
    assert "checked in" not in refused.text


async def test_the_live_piece_of_no_event_is_not_found(client) -> None:
    await staff_session(client)

    response = await client.get("/door/no-such-event/counts/live")

    assert response.status_code == 404


@pytest.mark.parametrize("language", ["en", "es"])
async def test_reading_the_live_piece_leaves_a_waiting_message_alone(
    client, settings, language
) -> None:
    """The piece is read every 15 seconds while a staffer works in another tab: it must
    not take the message that tab is about to show."""
    event = await make_event()
    await staff_session(client)
    client.headers["Accept-Language"] = language
    # Making a new door code flashes it on the next page.
    page = await client.get(f"/staff/events/{event.slug}")
    await client.post(
        f"/staff/events/{event.slug}/door-code", data={"csrf_token": csrf_from(page.text)}
    )

    await client.get(f"/door/{event.slug}/counts/live")
    shown = await client.get(f"/staff/events/{event.slug}")

    assert shown.status_code == 200
    flash = parse_page(shown.text).find("div", class_="flash-success")
    assert flash is not None
