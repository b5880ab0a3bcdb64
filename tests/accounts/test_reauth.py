"""Sensitive actions (role changes, invitations, turning an account off, completing a
deletion, refunds, new door codes) need the password or a code from the app entered in
the last ten minutes; the JSON API's refunds need a code from the app on the request
itself."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.accounts.factories import enrol
from tests.conftest import confirm, csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_member
from tests.tickets.factories import bearer_for, make_event, make_order, make_ticket_type
from yoc.accounts.enums import Role
from yoc.accounts.models import User, UserSession
from yoc.events.models import Event
from yoc.members.enums import DeletionState
from yoc.members.models import DeletionRequest
from yoc.tickets.enums import OrderStatus, Pricing
from yoc.tickets.models import Order, Refund
from yoc.tickets.services import states
from yoc.timeutil import utcnow

CONFIRM = "Confirm it’s you"


async def signed_in_long_ago(user: User, minutes: int = 11) -> None:
    """Move the clock: the session's last proof of identity was ``minutes`` ago."""
    await UserSession.filter(user=user).update(
        authenticated_at=utcnow() - timedelta(minutes=minutes)
    )


def hidden_fields(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page)


async def admin_and_target(client) -> tuple[User, User]:
    admin = await make_user(email="admin@example.org", role=Role.ADMIN)
    target = await make_user(email="mentor@example.org", role=Role.MENTOR)
    await log_in(client, "admin@example.org", PASSWORD)
    return admin, target


async def test_a_role_change_right_after_signing_in_needs_no_confirmation(client) -> None:
    admin, target = await admin_and_target(client)
    await signed_in_long_ago(admin, minutes=9)

    response = await post_form(
        client, "/admin/users", {"role": "staff"}, action=f"/admin/users/{target.id}/role"
    )

    assert response.status_code == 303
    assert (await User.get(id=target.id)).role == Role.STAFF


async def test_a_role_change_later_asks_who_it_is_and_keeps_the_choice(client) -> None:
    admin, target = await admin_and_target(client)
    await signed_in_long_ago(admin)
    action = f"/admin/users/{target.id}/role"

    asked = await post_form(client, "/admin/users", {"role": "staff"}, action=action)

    assert asked.status_code == 200
    assert CONFIRM in asked.text
    assert f'action="{action}"' in asked.text
    assert ("role", "staff") in hidden_fields(asked.text)
    assert (await User.get(id=target.id)).role == Role.MENTOR

    wrong = await client.post(
        action,
        data={"role": "staff", "confirm_password": "not it", "csrf_token": csrf_from(asked.text)},
    )
    assert wrong.status_code == 422
    assert "That password is not right." in wrong.text
    assert ("role", "staff") in hidden_fields(wrong.text)
    assert (await User.get(id=target.id)).role == Role.MENTOR

    old_key = client.cookies["yoc_session"]
    done = await client.post(
        action,
        data={"role": "staff", "confirm_password": PASSWORD, "csrf_token": csrf_from(wrong.text)},
    )

    assert done.status_code == 303
    assert done.headers["location"] == "/admin/users"
    assert (await User.get(id=target.id)).role == Role.STAFF
    # A new session key for the renewed proof; the old cookie is worth nothing.
    assert client.cookies["yoc_session"] != old_key
    session = await UserSession.get(user=admin)
    assert utcnow() - session.authenticated_at < timedelta(seconds=10)
    # And for ten minutes, no more questions about who it is (making an admin still
    # asks whether to, on a page of its own).
    again = await confirm(
        client, await post_form(client, "/admin/users", {"role": "admin"}, action=action)
    )
    assert again.status_code == 303
    assert (await User.get(id=target.id)).role == Role.ADMIN


async def test_a_code_from_the_app_confirms_too(client, settings) -> None:
    admin = await make_user(email="admin@example.org", role=Role.ADMIN)
    target = await make_user(email="mentor@example.org", role=Role.MENTOR)
    phone = await enrol(admin, settings)
    await post_form(client, "/login", {"email": "admin@example.org", "password": PASSWORD})
    await post_form(client, "/login/two-factor", {"code": phone.now()})
    await signed_in_long_ago(admin)
    action = f"/admin/users/{target.id}/role"
    asked = await post_form(client, "/admin/users", {"role": "staff"}, action=action)
    assert 'name="confirm_code"' in asked.text

    done = await client.post(
        action,
        data={"role": "staff", "confirm_code": phone.next(), "csrf_token": csrf_from(asked.text)},
    )

    assert done.status_code == 303
    assert (await User.get(id=target.id)).role == Role.STAFF


async def test_confirming_is_throttled(client, settings) -> None:
    admin, target = await admin_and_target(client)
    await signed_in_long_ago(admin)
    action = f"/admin/users/{target.id}/role"
    token = csrf_from((await client.get("/admin/users")).text)

    statuses = [
        (
            await client.post(
                action, data={"role": "staff", "confirm_password": "guess", "csrf_token": token}
            )
        ).status_code
        for _ in range(settings.two_factor_limit + 1)
    ]

    assert statuses == [422] * settings.two_factor_limit + [429]
    assert (await User.get(id=target.id)).role == Role.MENTOR


async def test_completing_a_deletion_needs_a_recent_sign_in(client) -> None:
    member = await make_member(email="itzel@example.org")
    request = await DeletionRequest.create(member=member)
    admin = await make_user(email="admin@example.org", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)
    await signed_in_long_ago(admin)
    action = f"/staff/deletions/{request.id}/complete"

    # First the page that says what deleting does, then the question who it is.
    asked = await confirm(client, await client.get(action))
    assert (asked.status_code, CONFIRM in asked.text) == (200, True)
    assert ("confirm", "yes") in hidden_fields(asked.text)
    assert (await DeletionRequest.get(id=request.id)).state == DeletionState.REQUESTED

    done = await client.post(
        action,
        data={
            **dict(hidden_fields(asked.text)),
            "confirm_password": PASSWORD,
            "csrf_token": csrf_from(asked.text),
        },
    )

    assert done.status_code == 303
    assert (await DeletionRequest.get(id=request.id)).state == DeletionState.COMPLETED


async def _paid_order(settings):
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {adult: 2})
    await states.mark_paid_at_door(order, actor="Door", settings=settings)
    return event, adult, order


async def test_a_refund_needs_a_recent_sign_in_and_keeps_the_reason_and_tickets(
    client, settings
) -> None:
    staff = await make_user(email="staff@example.org", role=Role.STAFF)
    _, _, order = await _paid_order(settings)
    ticket_ids = [str(t.id) for t in await order.tickets.all().order_by("id")]
    await log_in(client, "staff@example.org", PASSWORD)
    await signed_in_long_ago(staff)
    page = await client.get(f"/staff/orders/{order.code}")
    form = {
        "reason": "rained out",
        "scope": "chosen",
        "ticket_ids": ticket_ids,
        "csrf_token": csrf_from(page.text),
    }

    first = await client.post(f"/staff/orders/{order.code}/refund", data=form)
    asked = await confirm(client, first)

    assert (asked.status_code, CONFIRM in asked.text) == (200, True)
    carried = hidden_fields(asked.text)
    assert ("reason", "rained out") in carried
    assert [v for k, v in carried if k == "ticket_ids"] == ticket_ids
    assert await Refund.filter(order=order).count() == 0

    done = await client.post(
        f"/staff/orders/{order.code}/refund",
        data={**dict(carried), "ticket_ids": ticket_ids, "confirm_password": PASSWORD}
        | {"csrf_token": csrf_from(asked.text)},
    )

    assert done.status_code == 303
    assert await Refund.filter(order=order).values_list("amount_cents", flat=True) == [3000]


async def test_marking_paid_at_the_door_needs_no_new_sign_in(client, settings) -> None:
    staff = await make_user(email="staff@example.org", role=Role.STAFF)
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {adult: 1})
    await log_in(client, "staff@example.org", PASSWORD)
    await signed_in_long_ago(staff, minutes=60)

    response = await post_form(
        client, f"/staff/orders/{order.code}", {}, action=f"/staff/orders/{order.code}/paid"
    )

    assert response.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID


async def test_a_new_door_code_needs_a_recent_sign_in(client) -> None:
    staff = await make_user(email="staff@example.org", role=Role.STAFF)
    event = await make_event()
    await log_in(client, "staff@example.org", PASSWORD)
    await signed_in_long_ago(staff)
    action = f"/staff/events/{event.slug}/door-code"

    asked = await post_form(client, f"/staff/events/{event.slug}", {}, action=action)
    assert (asked.status_code, CONFIRM in asked.text) == (200, True)
    assert (await Event.get(id=event.id)).door_code in (None, "")

    done = await client.post(
        action, data={"confirm_password": PASSWORD, "csrf_token": csrf_from(asked.text)}
    )

    assert done.status_code == 303
    assert (await Event.get(id=event.id)).door_code


async def test_other_roles_get_403_before_any_question(client) -> None:
    member = await make_user(email="ana@example.org", role=Role.MEMBER)
    event = await make_event()
    await log_in(client, "ana@example.org", PASSWORD)
    await signed_in_long_ago(member)

    door = await post_form(client, "/dashboard", {}, action=f"/staff/events/{event.slug}/door-code")
    role = await post_form(client, "/dashboard", {"role": "admin"}, action="/admin/users/1/role")

    assert (door.status_code, role.status_code) == (403, 403)


async def test_a_page_that_needs_a_recent_sign_in_goes_by_the_confirm_page(client) -> None:
    user = await make_user(email="ana@example.org", role=Role.MEMBER)
    await log_in(client, "ana@example.org", PASSWORD)
    await signed_in_long_ago(user)

    sent = await client.get("/account/two-factor")
    assert sent.headers["location"] == "/account/confirm?next=/account/two-factor"
    page = await client.get(sent.headers["location"])
    assert CONFIRM in page.text
    back = await client.post(
        "/account/confirm",
        data={
            "next": "/account/two-factor",
            "confirm_password": PASSWORD,
            "csrf_token": csrf_from(page.text),
        },
    )

    assert back.headers["location"] == "/account/two-factor"
    assert (await client.get("/account/two-factor")).status_code == 200


# The JSON API --------------------------------------------------------------------------


async def test_an_api_refund_needs_a_code_from_the_app(client, settings) -> None:
    staff = await make_user(email="staff@example.org", role=Role.STAFF, name="Sam Staff")
    _, _, order = await _paid_order(settings)
    _, _, other = await _paid_order(settings)
    headers = await bearer_for(staff)
    url = f"/api/v1/orders/{order.code}/refund"

    without_two_factor = await client.post(url, json={"reason": "rain"}, headers=headers)
    phone = await enrol(staff, settings)
    without_code = await client.post(url, json={"reason": "rain"}, headers=headers)
    wrong = await client.post(
        url, json={"reason": "rain"}, headers={**headers, "X-Confirm-Code": phone.wrong()}
    )
    code = phone.now()
    right = await client.post(
        url, json={"reason": "rain"}, headers={**headers, "X-Confirm-Code": code}
    )
    replayed = await client.post(
        f"/api/v1/orders/{other.code}/refund",
        json={"reason": "rain"},
        headers={**headers, "X-Confirm-Code": code},
    )

    assert (without_two_factor.status_code, without_two_factor.json()["error"]) == (
        403,
        "two_factor_required",
    )
    assert (without_code.status_code, without_code.json()["error"]) == (
        401,
        "confirmation_required",
    )
    assert "X-Confirm-Code" in without_code.json()["message"]
    assert without_code.headers["www-authenticate"] == (
        'Bearer error="insufficient_user_authentication"'
    )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "wrong_code")
    assert right.status_code == 200, right.text
    assert (replayed.status_code, replayed.json()["error"]) == (401, "code_used")
    assert await Refund.filter(order=order).count() == 1
    assert await Refund.filter(order=other).count() == 0


async def test_the_openapi_document_names_the_confirmation_header(client) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()

    refund = document["paths"]["/api/v1/orders/{code}/refund"]["post"]

    assert {"name": "X-Confirm-Code", "in": "header", "required": True} | {
        "schema": {"type": "string"}
    } in refund["parameters"]


async def test_inviting_someone_later_asks_who_it_is(client) -> None:
    admin = await make_user(email="admin@example.org", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)
    await signed_in_long_ago(admin)
    invitation = {"email": "new@example.org", "name": "Rosa", "role": "admin", "language": "es"}

    asked = await post_form(client, "/admin/users/invite", invitation)

    assert asked.status_code == 200
    assert CONFIRM in asked.text
    assert ("role", "admin") in hidden_fields(asked.text)
    assert not await User.filter(email="new@example.org").exists()

    done = await client.post(
        "/admin/users/invite",
        data={**invitation, "confirm_password": PASSWORD, "csrf_token": csrf_from(asked.text)},
    )
    assert done.status_code == 303
    assert (await User.get(email="new@example.org")).role == Role.ADMIN


async def test_deactivating_someone_later_asks_who_it_is(client) -> None:
    admin, target = await admin_and_target(client)
    await signed_in_long_ago(admin)
    action = f"/admin/users/{target.id}/active"

    asked = await post_form(client, "/admin/users", {"active": "0"}, action=action)

    assert asked.status_code == 200
    assert CONFIRM in asked.text
    assert (await User.get(id=target.id)).is_active

    done = await client.post(
        action,
        data={"active": "0", "confirm_password": PASSWORD, "csrf_token": csrf_from(asked.text)},
    )
    assert done.status_code == 303
    assert not (await User.get(id=target.id)).is_active
