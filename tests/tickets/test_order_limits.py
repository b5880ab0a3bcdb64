"""What keeps one buyer from taking a whole sale: lines merged and counted per order,
a limit on seats held unpaid for the door (and their lapse), one open reservation per
email, a limit on orders per connection, on donated tickets per person, and on guesses
at partner and door codes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import TEST_SECRET, client_from, csrf_from, post_form
from tests.tickets.conftest import (
    mails,
    page_text,
    staff_action,
    status_of,
    submit,
    translated,
)
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc import jobs
from yoc.events import services as events
from yoc.events.forms import EventForm, local_input
from yoc.events.models import Event
from yoc.i18n import ngettext, use_language
from yoc.settings import Settings
from yoc.tickets.enums import OrderStatus, Pricing
from yoc.tickets.models import Order, OrderItem, TicketType
from yoc.tickets.services import states
from yoc.timeutil import utcnow

ORDER_LIMIT = 3
CODE_LIMIT = 3


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Small limits on orders and code guesses per connection, to reach them quickly."""
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        base_url="http://testserver",
        run_jobs_in_process=False,
        order_limit=ORDER_LIMIT,
        code_limit=CODE_LIMIT,
    )


async def paid_type(event: Event, **overrides) -> TicketType:
    values = {"pricing": Pricing.FIXED, "price_cents": 2000, **overrides}
    return await make_ticket_type(event, **values)


def order_body(lines: list[tuple[int, int]], *, email: str = "ana@example.org", **extra) -> dict:
    return {
        "buyer": {"name": "Ana Flores", "email": email, "language": extra.pop("language", "en")},
        "items": [{"ticket_type": t, "quantity": n} for t, n in lines],
        "payment": "box_office",
        **extra,
    }


async def api_order(client, event: Event, body: dict, language: str = "en"):
    return await client.post(
        f"/api/v1/events/{event.slug}/orders", json=body, headers={"Accept-Language": language}
    )


# Lines ---------------------------------------------------------------------------------


async def test_an_order_of_many_lines_is_refused_and_sells_nothing(client) -> None:
    event = await make_event(capacity=1000)
    general = await paid_type(event)

    response = await api_order(client, event, order_body([(general.id + n, 8) for n in range(99)]))

    assert response.status_code == 422
    assert response.json()["fields"] == {"items": "An order can have at most 30 lines."}
    assert await Order.filter(event=event).count() == 0
    assert (await Event.get(id=event.id)).sold == 0


async def test_lines_of_one_type_count_together_against_its_per_order_limit(client) -> None:
    event = await make_event()
    general = await paid_type(event, max_per_order=10)

    over = await api_order(client, event, order_body([(general.id, 6), (general.id, 6)]))
    within = await api_order(client, event, order_body([(general.id, 3), (general.id, 4)]))

    assert over.status_code == 422
    assert over.json()["fields"] == {
        f"qty_{general.id}": "That is more than one order can have. "
        "Make a second order, or ask us for a group."
    }
    assert within.status_code == 201, within.text
    order = await Order.get(code=within.json()["code"])
    items = await OrderItem.filter(order=order).values_list("ticket_type_id", "quantity")
    assert (order.tickets_count, items) == (7, [(general.id, 7)])


async def test_the_checkout_form_of_an_event_with_many_types_still_works(client) -> None:
    event = await make_event()
    many = [await paid_type(event, name_en=f"Type {n}", name_es=f"Tipo {n}") for n in range(32)]

    response = await submit(client, event, {f"qty_{many[-1].id}": "2", "payment": "box_office"})

    assert response.status_code == 303, page_text(response)[:1500]


# Seats held unpaid for the door ----------------------------------------------------------


async def test_pay_at_door_orders_past_a_quarter_of_capacity_are_refused(client, settings) -> None:
    event = await make_event(capacity=100)
    general = await paid_type(event)
    for n in range(2):
        await make_order(event, settings, {general: 10}, buyer_email=f"b{n}@example.org")

    refused = await api_order(client, event, order_body([(general.id, 6)], language="es"), "es")
    fits = await api_order(client, event, order_body([(general.id, 5)], email="c@example.org"))

    assert refused.status_code == 409
    assert refused.json() == {
        "error": "unpaid_limit",
        "message": translated(
            "Too many tickets are already reserved to pay at the door. Please pay by card "
            "now, or buy your tickets at the box office when you arrive.",
            "es",
        ),
    }
    assert fits.status_code == 201, fits.text
    await event.refresh_from_db()
    assert (event.sold, event.unpaid_held) == (25, 25)


async def test_paid_and_cancelled_reservations_free_their_unpaid_seats(
    client, settings, staff_client
) -> None:
    event = await make_event(capacity=40, unpaid_limit=4)
    general = await paid_type(event)
    first = await make_order(event, settings, {general: 4})

    paid = await staff_action(staff_client, first, "paid")
    second = await make_order(event, settings, {general: 4}, buyer_email="beto@example.org")
    cancelled = await staff_action(staff_client, second, "cancel", {"reason": "asked"})
    third = await make_order(event, settings, {general: 4}, buyer_email="cata@example.org")

    assert (paid.status_code, cancelled.status_code) == (303, 303)
    assert await status_of(first) == OrderStatus.PAID
    assert await status_of(second) == OrderStatus.CANCELLED
    assert await status_of(third) == OrderStatus.PENDING
    await event.refresh_from_db()
    assert (event.sold, event.unpaid_held) == (8, 4)


async def test_staff_set_the_unpaid_limit_and_when_reservations_lapse(staff_client) -> None:
    event = await make_event(capacity=200)
    page = await staff_client.get(f"/staff/events/{event.slug}")
    lapse = event.starts_at + timedelta(hours=3)
    values = {
        "slug": event.slug,
        "name_en": event.name_en,
        "name_es": event.name_es,
        "venue": event.venue,
        "starts_at": local_input(event.starts_at),
        "ends_at": local_input(event.ends_at),
        "capacity": "200",
        "published": "1",
        "unpaid_limit": "30",
        "unpaid_until": local_input(lapse),
        "csrf_token": csrf_from(page.text),
    }

    saved = await staff_client.post(f"/staff/events/{event.slug}", data=values)
    again = await staff_client.get(f"/staff/events/{event.slug}")

    assert saved.status_code == 303
    await event.refresh_from_db()
    assert (event.unpaid_limit, event.unpaid_until) == (30, lapse.replace(second=0, microsecond=0))
    assert 'name="unpaid_limit"' in again.text
    assert 'value="30"' in again.text


async def test_saving_the_event_keeps_the_seats_taken_meanwhile(app, settings) -> None:
    event = await make_event(capacity=100)
    general = await paid_type(event)
    as_read = await Event.get(id=event.id)  # the staff page read the event
    await make_order(event, settings, {general: 3})  # a buyer ordered meanwhile
    form = EventForm.model_validate({**_form_of(as_read), "unpaid_limit": 10})

    await events.update_event(as_read, form)

    await event.refresh_from_db()
    assert (event.sold, event.unpaid_held, event.unpaid_limit) == (3, 3, 10)


def _form_of(event: Event) -> dict:
    return {name: getattr(event, name) for name in EventForm.model_fields}


async def test_a_reservation_lapses_an_hour_after_doors_open_by_default(app, settings) -> None:
    event = await make_event()
    general = await paid_type(event)

    order = await make_order(event, settings, {general: 2})

    assert order.hold_expires_at == event.starts_at + timedelta(hours=1)


async def test_moving_the_lapse_time_moves_open_reservations(settings, staff_client) -> None:
    event = await make_event()
    general = await paid_type(event)
    order = await make_order(event, settings, {general: 2})
    page = await staff_client.get(f"/staff/events/{event.slug}")
    lapse = event.starts_at + timedelta(hours=2)
    values = {
        "slug": event.slug,
        "name_en": event.name_en,
        "name_es": event.name_es,
        "venue": event.venue,
        "starts_at": local_input(event.starts_at),
        "ends_at": local_input(event.ends_at),
        "capacity": "100",
        "published": "1",
        "unpaid_until": local_input(lapse),
        "csrf_token": csrf_from(page.text),
    }

    saved = await staff_client.post(f"/staff/events/{event.slug}", data=values)

    assert saved.status_code == 303
    await order.refresh_from_db()
    assert order.hold_expires_at == lapse.replace(second=0, microsecond=0)


async def test_the_worker_releases_lapsed_reservations_and_tells_the_buyer(app, settings) -> None:
    event = await make_event(capacity=20)
    general = await paid_type(event)
    lapsed = await make_order(event, settings, {general: 3}, language="es")
    waiting = await make_order(event, settings, {general: 2}, buyer_email="beto@example.org")
    await Order.filter(id=lapsed.id).update(hold_expires_at=utcnow() - timedelta(minutes=1))

    await jobs.run_once(settings)

    assert await status_of(lapsed) == OrderStatus.EXPIRED
    assert await status_of(waiting) == OrderStatus.PENDING
    await event.refresh_from_db()
    assert (event.sold, event.unpaid_held) == (2, 2)
    [mail] = await mails("order_lapsed")
    assert mail.to_email == "ana@example.org"
    assert mail.subject == translated(
        "Your reservation for %(event)s has lapsed", "es", event=event.name_es
    )
    assert lapsed.code in mail.body_text


# One open reservation per email ---------------------------------------------------------


async def test_a_second_open_reservation_for_one_email_is_refused(client, settings) -> None:
    event = await make_event()
    general = await paid_type(event)
    first = await make_order(event, settings, {general: 2}, buyer_email="ana@example.org")

    again = await api_order(client, event, order_body([(general.id, 1)], email="ANA@example.org"))
    other = await api_order(client, event, order_body([(general.id, 1)], email="beto@example.org"))

    assert again.status_code == 409
    assert again.json() == {
        "error": "reservation_exists",
        "message": "This email already has a reservation to pay at the door for this event. "
        "Look for it in your email, or pay by card.",
    }
    assert first.code not in again.text
    assert other.status_code == 201
    assert await Order.filter(event=event).count() == 2


async def test_a_new_reservation_is_allowed_once_the_first_is_paid(client, settings) -> None:
    event = await make_event()
    general = await paid_type(event)
    first = await make_order(event, settings, {general: 2})

    await states.mark_paid_at_door(first, actor="Door", settings=settings)

    again = await api_order(client, event, order_body([(general.id, 1)]))

    assert again.status_code == 201, again.text


# Orders per connection ------------------------------------------------------------------


def wait_minutes(language: str, refused) -> str:
    """The message for the wait the answer's Retry-After gives, in whole minutes."""
    retry_after = int(refused.headers["Retry-After"])
    assert 0 < retry_after <= 2 * 600  # the window's estimate: at most twice the window
    with use_language(language):
        text = ngettext(
            "Too many orders from your connection. Please wait %(num)d minute and try again.",
            "Too many orders from your connection. Please wait %(num)d minutes and try again.",
            -(-retry_after // 60),
        )
    assert text.startswith("Demasiados") if language == "es" else True
    return text


async def test_orders_from_one_address_are_limited_in_the_api(client) -> None:
    event = await make_event()
    general = await paid_type(event)
    answers = [
        await api_order(client, event, order_body([(general.id, 1)], email=f"b{n}@example.org"))
        for n in range(ORDER_LIMIT)
    ]

    refused = await api_order(
        client, event, order_body([(general.id, 1)], email="z@example.org"), "es"
    )

    assert [a.status_code for a in answers] == [201] * ORDER_LIMIT
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert refused.json()["message"] == wait_minutes("es", refused)
    assert await Order.filter(event=event).count() == ORDER_LIMIT


async def test_orders_from_one_address_are_limited_on_the_checkout_page(client) -> None:
    event = await make_event()
    general = await paid_type(event)
    for n in range(ORDER_LIMIT):
        placed = await submit(
            client,
            event,
            {f"qty_{general.id}": "1", "payment": "box_office"},
            buyer={"buyer_name": "Ana", "buyer_email": f"b{n}@example.org"},
        )
        assert placed.status_code == 303

    refused = await submit(
        client, event, {f"qty_{general.id}": "1", "payment": "box_office"}, language="es"
    )

    assert refused.status_code == 429
    assert wait_minutes("es", refused) in page_text(refused)
    assert await Order.filter(event=event).count() == ORDER_LIMIT


# Donated tickets -----------------------------------------------------------------------


async def test_orders_mailed_to_one_address_are_limited_whoever_places_them(app) -> None:
    """Free tickets cost nothing to order: without a limit per address, anyone could
    flood someone's inbox with confirmations, from as many connections as they have."""
    event = await make_event()
    free = await make_ticket_type(event)
    statuses = []
    for n in range(ORDER_LIMIT + 1):
        async with client_from(app, f"198.51.100.{n}") as someone:
            body = order_body([(free.id, 1)], email="victim@example.org", payment=None)
            statuses.append((await api_order(someone, event, body)).status_code)
    async with client_from(app, "203.0.113.9") as page:
        refused = await submit(
            page,
            event,
            {f"qty_{free.id}": "1"},
            buyer={"buyer_name": "Ana", "buyer_email": "victim@example.org"},
        )

    assert statuses == [201] * ORDER_LIMIT + [429]
    assert refused.status_code == 429
    assert await Order.filter(buyer_email="victim@example.org").count() == ORDER_LIMIT
    assert len(await mails("order_confirmed")) == ORDER_LIMIT


async def test_at_most_two_donated_tickets_per_order_and_per_email(client, settings) -> None:
    event = await make_event(donation_price_cents=1000)
    general = await paid_type(event)
    await make_order(event, settings, {general: 1}, donate=10)
    donor = await Order.get(event=event)

    await states.mark_paid_at_door(donor, actor="Door", settings=settings)

    three = await api_order(client, event, {**order_body([], email="c@example.org"), "claim": 3})
    two = await api_order(client, event, {**order_body([], email="c@example.org"), "claim": 2})
    more = await api_order(client, event, {**order_body([], email="C@example.org"), "claim": 1})

    assert three.status_code == 422
    assert three.json()["fields"] == {"claim": "You can take up to 2 donated tickets."}
    assert two.status_code == 201, two.text
    assert more.status_code == 422
    assert more.json()["fields"] == {"claim": "You can take up to 2 donated tickets."}
    await event.refresh_from_db()
    assert event.donated_claimed == 2


# Guessing codes ------------------------------------------------------------------------


async def test_guesses_at_a_partner_code_on_the_event_page_are_limited(client) -> None:
    event = await make_event()
    await paid_type(event, name_en="Partners", access_code="RIGHT")
    for guess in ("AAA", "AAB", "AAC"):
        wrong = await client.get(f"/events/{event.slug}?code={guess}")
        assert wrong.status_code == 200

    blocked = await client.get(f"/events/{event.slug}?code=RIGHT")

    assert blocked.status_code == 429
    assert "Partners" not in blocked.text


async def test_guesses_at_a_partner_code_in_orders_are_limited(client) -> None:
    event = await make_event()
    hidden = await paid_type(event, name_en="Partners", access_code="RIGHT")
    for guess in ("AAA", "AAB", "AAC"):
        wrong = await api_order(
            client, event, order_body([(hidden.id, 1)], access_code=guess, email=f"{guess}@x.org")
        )
        assert wrong.status_code == 422

    blocked = await api_order(client, event, order_body([(hidden.id, 1)], access_code="RIGHT"))

    assert blocked.status_code == 429
    assert blocked.json()["error"] == "rate_limited"
    assert await Order.filter(event=event).count() == 0


async def test_guesses_at_a_door_code_are_limited(client) -> None:
    event = await make_event()
    await Event.filter(id=event.id).update(door_code="RIGHT234")
    for guess in ("AAA", "AAB", "AAC"):
        wrong = await post_form(client, "/door", {"door_code": guess})
        assert wrong.status_code == 400

    blocked = await post_form(client, "/door", {"door_code": "RIGHT234"})

    assert blocked.status_code == 429
    assert "location" not in blocked.headers


async def test_guesses_at_a_door_token_in_the_checkin_api_are_limited(client) -> None:
    event = await make_event()
    await Event.filter(id=event.id).update(door_code="RIGHT234")

    def checkin(code: str):
        return client.post(
            "/api/v1/checkin",
            json={"event": event.slug, "secret": "nothing"},
            headers={"Authorization": f"Bearer door_{code}"},
        )

    wrong = [(await checkin(guess)).status_code for guess in ("AAA", "AAB", "AAC")]
    blocked = await checkin("RIGHT234")

    assert wrong == [403, 403, 403]
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "rate_limited"


async def test_a_volunteer_with_the_right_door_token_is_never_limited(client, settings) -> None:
    event = await make_event()
    await Event.filter(id=event.id).update(door_code="RIGHT234")

    answers = [
        (
            await client.post(
                "/api/v1/checkin",
                json={"event": event.slug, "secret": f"nothing-{n}"},
                headers={"Authorization": "Bearer door_RIGHT234"},
            )
        ).status_code
        for n in range(CODE_LIMIT + 3)
    ]

    assert 429 not in answers
    assert set(answers) == {200}
