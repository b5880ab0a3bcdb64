"""An event's curfew for minors, changed by staff: it never leaves someone under 18 on a
shift or a stage slot that ends past it. The scheduler and the shifts refuse to place a
minor past the curfew; an earlier curfew must not do it behind their back."""

from __future__ import annotations

import pytest

from tests.conftest import log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.html_page import error_summary, parse_page
from tests.members.factories import make_member
from tests.soapbox.factories import make_placed, make_slot, make_stage
from tests.tickets.factories import make_event
from tests.volunteers.factories import at, event_day, make_shift
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.events.models import Event
from yoc.events.staff_routes import _event_values
from yoc.volunteers.services import signups

REFUSED = {
    "en": "People under 18 are on a shift or a stage slot of this event that ends after "
    "this time. Move them to an earlier one first, or keep the later curfew.",
    "es": "Hay personas menores de 18 años en un turno o un horario de escenario de este "
    "evento que termina después de esta hora. Primero cámbielas a uno que termine antes, o "
    "mantenga la hora límite actual.",
}


@pytest.fixture
async def staff(client):
    person = await make_user(role=Role.STAFF, email="sam@example.org", language="en")
    await log_in(client, "sam@example.org", PASSWORD)
    return person


async def change_curfew(client, event: Event, curfew: str, **other: str):
    """Staff save the event's page with ``curfew`` (and ``other`` fields changed)."""
    values = {**_event_values(event), "minor_curfew": curfew, **other}
    return await post_form(
        client, f"/staff/events/{event.slug}", {k: str(v) for k, v in values.items()}
    )


@pytest.mark.parametrize("language", ["en", "es"])
async def test_an_earlier_curfew_that_would_strand_a_minor_on_a_shift_is_refused(
    client, settings, staff, language
) -> None:
    await User.filter(id=staff.id).update(language=language)
    event = await make_event()  # 16:00 to 22:00, minors until 21:00
    shift = await make_shift(event, start=17, hours=3)  # 17:00 to 20:00
    await signups.sign_up_member(shift, await make_member(age=15), settings=settings)

    refused = await change_curfew(client, event, "19:30", name_en="The Hue, night two")

    assert refused.status_code == 422
    # The summary names the rule and leads to the curfew field.
    [(text, field)] = error_summary(refused.text).items
    assert (text.endswith(REFUSED[language]), field) == (True, "f-minor_curfew")
    # What staff typed is still in the form, and nothing of it was saved.
    page = parse_page(refused.text)
    assert page.by_id("f-minor_curfew")["value"] == "19:30"
    assert page.by_id("f-name_en")["value"] == "The Hue, night two"
    kept = await Event.get(id=event.id)
    assert (kept.minor_curfew, kept.name_en) == ("21:00", event.name_en)


async def test_an_earlier_curfew_that_would_strand_a_minor_on_stage_is_refused(
    client, staff
) -> None:
    event = await make_event()
    slot = await make_slot(await make_stage(event), at(event_day(event), 19, 55), minutes=5)
    await make_placed(await make_member(age=16), slot)

    refused = await change_curfew(client, event, "19:30")

    assert refused.status_code == 422
    [(text, field)] = error_summary(refused.text).items
    assert (text.endswith(REFUSED["en"]), field) == (True, "f-minor_curfew")
    assert (await Event.get(id=event.id)).minor_curfew == "21:00"


async def test_a_curfew_that_keeps_everyone_within_it_is_saved(client, settings, staff) -> None:
    event = await make_event()
    day = event_day(event)
    # A minor until 19:00, on a shift and on stage; an adult after the new curfew.
    early = await make_shift(event, start=16, hours=3)
    await signups.sign_up_member(early, await make_member(age=15), settings=settings)
    late = await make_shift(event, start=18, hours=4)
    await signups.sign_up_member(late, await make_member(age=30), settings=settings)
    slot = await make_slot(await make_stage(event), at(day, 18, 55), minutes=5)
    await make_placed(await make_member(age=16), slot)
    adult_slot = await make_slot(await make_stage(event, "Side stage"), at(day, 21))
    await make_placed(await make_member(age=20), adult_slot)

    saved = await change_curfew(client, event, "19:00")

    assert saved.status_code == 303
    assert (await Event.get(id=event.id)).minor_curfew == "19:00"
