"""Irreversible actions ask first, on a page of their own (yoc.http.confirm_first):
deleting a member's data, refunds and cancellations, declining an application, removing
a stage or a slot, making someone an admin, withdrawing a speech. The first tap (a link,
or the old one-tap form) shows what will happen and changes nothing; the page's button
does it; its cancel link goes back and changes nothing. In English and in Spanish."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from tests.conftest import confirm, confirmation_form, csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_member
from tests.soapbox.factories import (
    la_today,
    local,
    make_evening_event,
    make_placed,
    make_slot,
    make_stage,
)
from tests.tickets.conftest import paid_box_office_order
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.i18n import format_money, gettext, use_language
from yoc.members.enums import ApplicationDecision
from yoc.members.models import DeletionRequest, MemberProfile
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Slot, Speech, Stage
from yoc.tickets.enums import Pricing
from yoc.tickets.models import Order, Refund


def say(language: str, message: str, **variables: object) -> str:
    with use_language("en"):
        english = gettext(message, **variables)
    with use_language(language):
        text = gettext(message, **variables)
    assert language == "en" or text != english, f"no Spanish translation for {message!r}"
    return text


def heading(page: httpx.Response) -> str:
    return html.unescape(re.search(r"<h1>(.*?)</h1>", page.text, re.S).group(1)).strip()


def cancel_link(page: httpx.Response) -> str:
    section = page.text.split('class="card narrow confirm-action"', 1)[1]
    return html.unescape(
        re.search(r'<a class="button button-secondary" href="([^"]+)"', section).group(1)
    )


@dataclass
class Scene:
    """One irreversible action: who does it, how the first tap happens, what it changes."""

    person: str  # the email of who acts
    first_tap: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
    state: Callable[[], Awaitable[object]]
    before: object
    after: object
    title: Callable[[str], str]  # the page's question, in a language
    cancel: str
    consequence: Callable[[str], str] | None = None  # one line the page must say


async def staff(language: str, role: Role = Role.STAFF) -> User:
    return await make_user(role=role, email=f"{role.value}@example.org", language=language)


def post_tap(page: str, action: str, data: dict[str, object]):
    """A tap on a button of ``page`` that posts ``data`` to ``action``."""

    async def tap(client: httpx.AsyncClient) -> httpx.Response:
        token = csrf_from((await client.get(page)).text)
        return await client.post(action, data={**data, "csrf_token": token})

    return tap


def link_tap(page: str, link: str):
    """A tap on the link ``link`` of ``page`` (which must be there)."""

    async def tap(client: httpx.AsyncClient) -> httpx.Response:
        assert f'href="{link}"' in (await client.get(page)).text
        return await client.get(link)

    return tap


async def deleting_data(settings, language: str) -> Scene:
    member = await make_member(name="Itzel Ramírez", email="itzel@example.org")
    asked = await DeletionRequest.create(member=member, reason="moving away")
    admin = await staff(language, Role.ADMIN)

    async def state() -> object:
        return (await DeletionRequest.get(id=asked.id)).state.value

    return Scene(
        admin.email,
        link_tap("/staff/deletions", f"/staff/deletions/{asked.id}/complete"),
        state,
        "requested",
        "completed",
        lambda lang: say(lang, "Delete %(name)s’s data?", name="Itzel Ramírez"),
        "/staff/deletions",
    )


async def refunding(settings, language: str) -> Scene:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=4000)
    order = await paid_box_office_order(settings, event, {adult: 2})
    person = await staff(language)
    page = f"/staff/orders/{order.code}"

    async def state() -> object:
        return (await Order.get(id=order.id)).status.value, await Refund.filter(
            order=order
        ).values_list("amount_cents", flat=True)

    def money(lang: str) -> str:
        with use_language(lang):
            return format_money(8000)

    return Scene(
        person.email,
        post_tap(page, f"{page}/refund", {"reason": "rain", "scope": "all"}),
        state,
        ("paid", []),
        ("refunded", [8000]),
        lambda lang: say(lang, "Refund the whole order %(code)s?", code=order.code),
        page,
        lambda lang: say(
            lang,
            "%(amount)s was paid at the door: give it back to %(name)s in person.",
            amount=money(lang),
            name="Ana Buyer",
        ),
    )


async def cancelling(settings, language: str) -> Scene:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=4000)
    order = await make_order(event, settings, {adult: 1})
    person = await staff(language)
    page = f"/staff/orders/{order.code}"

    async def state() -> object:
        return (await Order.get(id=order.id)).status.value

    return Scene(
        person.email,
        post_tap(page, f"{page}/cancel", {"reason": "duplicate"}),
        state,
        "pending",
        "cancelled",
        lambda lang: say(lang, "Cancel order %(code)s?", code=order.code),
        page,
    )


async def declining(settings, language: str) -> Scene:
    member = await make_member(
        age=19, name="Beto Cruz", email="beto@example.org", decision=ApplicationDecision.PENDING
    )
    person = await staff(language)

    async def state() -> object:
        return (await MemberProfile.get(user=member)).decision.value

    return Scene(
        person.email,
        post_tap(
            "/staff/applications",
            f"/members/{member.id}/decision",
            {"decision": "decline", "next": "/staff/applications"},
        ),
        state,
        "pending",
        "declined",
        lambda lang: say(lang, "Decline %(name)s’s application?", name="Beto Cruz"),
        "/staff/applications",
    )


async def _board(language: str) -> tuple[User, object, Stage, Slot]:
    event = await make_evening_event(la_today() + timedelta(days=20))
    stage = await make_stage(event, "Youth stage", name_es="Escenario juvenil")
    slot = await make_slot(stage, local(la_today() + timedelta(days=20), 18))
    return await staff(language), event, stage, slot


async def removing_a_stage(settings, language: str) -> Scene:
    person, event, stage, _ = await _board(language)
    board = f"/staff/events/{event.slug}/schedule"

    async def state() -> object:
        return await Stage.filter(event=event).count(), await Slot.filter(
            stage__event=event
        ).count()

    return Scene(
        person.email,
        link_tap(board, f"/staff/events/{event.slug}/stages/{stage.id}/delete"),
        state,
        (1, 1),
        (0, 0),
        lambda lang: say(
            lang,
            "Remove the stage “%(name)s”?",
            name="Escenario juvenil" if lang == "es" else "Youth stage",
        ),
        f"{board}#stages",
        lambda lang: say(lang, "Its %(num)d slot is removed with it.", num=1),
    )


async def removing_a_slot(settings, language: str) -> Scene:
    person, event, _, slot = await _board(language)
    board = f"/staff/events/{event.slug}/schedule"

    async def state() -> object:
        return await Slot.filter(stage__event=event).count()

    return Scene(
        person.email,
        link_tap(board, f"/staff/events/{event.slug}/slots/{slot.id}/delete"),
        state,
        1,
        0,
        lambda lang: say(
            lang,
            "Remove the slot at %(time)s on %(stage)s?",
            time="6:00\u202fPM" if lang == "en" else "6:00\u202fp.m.",
            stage="Escenario juvenil" if lang == "es" else "Youth stage",
        ),
        f"{board}#slot-{slot.id}",
    )


async def making_an_admin(settings, language: str) -> Scene:
    target = await make_user(role=Role.MENTOR, name="Lucía Torres", email="lucia@example.org")
    admin = await staff(language, Role.ADMIN)

    async def state() -> object:
        return (await User.get(id=target.id)).role.value

    return Scene(
        admin.email,
        post_tap("/admin/users", f"/admin/users/{target.id}/role", {"role": "admin"}),
        state,
        "mentor",
        "admin",
        lambda lang: say(lang, "Make %(name)s an admin?", name="Lucía Torres"),
        "/admin/users",
    )


async def withdrawing(settings, language: str) -> Scene:
    speaker = await make_member(name="Ana Torres", email="ana@example.org", language=language)
    day = la_today() + timedelta(days=20)
    event = await make_evening_event(day)
    slot = await make_slot(await make_stage(event), local(day, 18))
    speech = await make_placed(speaker, slot, state=SpeechState.SCHEDULED, title="Agua limpia")

    async def state() -> object:
        found = await Speech.get(id=speech.id)
        return found.state.value, found.slot_id

    return Scene(
        speaker.email,
        link_tap(f"/speeches/{speech.id}", f"/speeches/{speech.id}/move?to=withdrawn"),
        state,
        ("scheduled", slot.id),
        ("withdrawn", None),
        lambda lang: say(lang, "Withdraw “%(title)s”?", title="Agua limpia"),
        f"/speeches/{speech.id}",
    )


SCENES = {
    "deleting a member's data": deleting_data,
    "refunding an order": refunding,
    "cancelling an order": cancelling,
    "declining an application": declining,
    "removing a stage": removing_a_stage,
    "removing a slot": removing_a_slot,
    "making someone an admin": making_an_admin,
    "withdrawing a speech": withdrawing,
}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("scene", SCENES)
async def test_the_first_tap_asks_on_a_page_of_its_own_and_changes_nothing(
    client, settings, scene, language
) -> None:
    action = await SCENES[scene](settings, language)
    await log_in(client, action.person, PASSWORD)

    page = await action.first_tap(client)

    assert page.status_code == 200
    assert heading(page) == action.title(language)
    assert re.search(r'<html lang="(\w+)"', page.text).group(1) == language
    if action.consequence is not None:
        assert action.consequence(language) in html.unescape(page.text)
    assert await action.state() == action.before


@pytest.mark.parametrize("scene", SCENES)
async def test_confirming_does_it(client, settings, scene) -> None:
    action = await SCENES[scene](settings, "en")
    await log_in(client, action.person, PASSWORD)

    done = await confirm(client, await action.first_tap(client))

    assert done.status_code == 303, done.text[:2000]
    assert await action.state() == action.after


@pytest.mark.parametrize("scene", SCENES)
async def test_cancel_goes_back_and_changes_nothing(client, settings, scene) -> None:
    action = await SCENES[scene](settings, "en")
    await log_in(client, action.person, PASSWORD)
    page = await action.first_tap(client)

    back = await client.get(cancel_link(page))

    assert cancel_link(page) == action.cancel
    assert back.status_code == 200
    assert await action.state() == action.before


@pytest.mark.parametrize("scene", SCENES)
async def test_a_post_without_the_confirmation_step_does_nothing(client, settings, scene) -> None:
    action = await SCENES[scene](settings, "en")
    await log_in(client, action.person, PASSWORD)
    target, fields = confirmation_form(await action.first_tap(client))
    del fields["confirm"]

    answer = await client.post(target, data=fields)

    assert answer.status_code == 200
    assert heading(answer) == action.title("en")
    assert await action.state() == action.before


async def test_other_roles_change_at_once(client) -> None:
    target = await make_user(role=Role.MENTOR, email="lucia@example.org")
    await staff("en", Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)

    done = await post_tap("/admin/users", f"/admin/users/{target.id}/role", {"role": "staff"})(
        client
    )

    assert done.status_code == 303
    assert (await User.get(id=target.id)).role == Role.STAFF


async def test_withdrawing_is_a_link_apart_from_confirming_the_slot(client, settings) -> None:
    action = await withdrawing(settings, "en")
    await log_in(client, action.person, PASSWORD)
    speech = await Speech.get(title="Agua limpia")

    page = await client.get(f"/speeches/{speech.id}")

    steps = re.search(r'<section class="card" id="next-steps">(.*?)</section>', page.text, re.S)
    assert "Confirm my slot" in steps.group(1)
    assert "Withdraw" not in steps.group(1) and "withdrawn" not in steps.group(1)
    apart = re.search(r'<section class="card" id="withdraw">(.*?)</section>', page.text, re.S)
    assert f'<a href="/speeches/{speech.id}/move?to=withdrawn">Withdraw this speech</a>' in (
        apart.group(1)
    )
    assert "<form" not in apart.group(1)
