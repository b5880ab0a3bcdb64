"""Parents, guardians and other adults sign up from the public event page, get a
confirmation in their language with a link to cancel, and cancel with it."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import csrf_from, post_form
from tests.volunteers.factories import make_shift
from yoc.i18n import gettext, use_language
from yoc.mail import OutboxMessage
from yoc.volunteers.enums import ShiftRole
from yoc.volunteers.models import Shift, ShiftSignup

GUEST = {"name": "Lupe Hernández", "email": "Lupe@Example.org", "phone": "760-555-0134"}


def say(language: str, message: str, **variables) -> str:
    with use_language(language):
        text = gettext(message, **variables)
    if language == "es":
        with use_language("en"):
            assert text != gettext(message, **variables), f"no Spanish for {message!r}"
    return text


def text_of(page) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text)))


@pytest.mark.parametrize("language", ["en", "es"])
async def test_an_adult_signs_up_and_cancels_with_the_emailed_link(
    client, settings, language
) -> None:
    shift = await make_shift(role=ShiftRole.INFO_TENT, needed=2)
    event = shift.event
    client.headers["Accept-Language"] = language
    event_page = await client.get(f"/events/{event.slug}")
    assert say(language, "Sign up for a volunteer shift") in text_of(event_page)

    done = await post_form(
        client,
        f"/events/{event.slug}/volunteer",
        {**GUEST, "shift": str(shift.id), "adult": "1", "language": language},
    )

    assert done.status_code == 200
    thanks = say(
        language,
        "Thank you! We sent the details of your shift to %(email)s, with a link to cancel "
        "if you cannot come. We will remind you the day before.",
        email="lupe@example.org",
    )
    assert thanks in text_of(done)
    (signup,) = await ShiftSignup.filter(shift=shift)
    assert (signup.name, signup.email, signup.phone, signup.language, signup.user_id) == (
        "Lupe Hernández",
        "lupe@example.org",
        "760-555-0134",
        language,
        None,
    )
    (mail,) = await OutboxMessage.filter(template="shift_confirmed")
    assert (mail.to_email, mail.language) == ("lupe@example.org", language)
    name = getattr(event, f"name_{language}")
    assert mail.subject == say(language, "Your volunteer shift: %(event)s", event=name)
    link = re.search(rf"{re.escape(settings.base_url)}(/volunteer/cancel/\S+)", mail.body_text)[1]

    # Opening the link (a mail scanner does) cancels nothing; its button does.
    page = await client.get(link)
    assert page.status_code == 200
    assert await ShiftSignup.filter(shift=shift).count() == 1
    cancelled = await client.post(link, data={"csrf_token": csrf_from(page.text)})

    assert say(language, "Your shift is cancelled. Thank you for telling us.") in text_of(cancelled)
    assert await ShiftSignup.filter(shift=shift).count() == 0
    assert (await Shift.get(id=shift.id)).taken == 0
    # The link works once: the sign-up is gone.
    assert (await client.get(link)).status_code == 404


async def test_a_forged_or_altered_cancel_link_opens_nothing(client, settings) -> None:
    shift = await make_shift()
    await post_form(
        client,
        f"/events/{shift.event.slug}/volunteer",
        {**GUEST, "shift": str(shift.id), "adult": "1"},
    )
    (mail,) = await OutboxMessage.filter(template="shift_confirmed")
    token = re.search(r"/volunteer/cancel/(\S+)", mail.body_text)[1]
    signup_part, signature = token.split(".")

    for forged in (f"{signup_part}.{signature[:-2]}xx", "MQ.forged", "x" * 41):
        page = await client.get(f"/volunteer/cancel/{forged}")
        assert page.status_code == 404

    assert await ShiftSignup.filter(shift=shift).count() == 1


async def test_the_public_form_asks_adults_only(client) -> None:
    shift = await make_shift()

    refused = await post_form(
        client, f"/events/{shift.event.slug}/volunteer", {**GUEST, "shift": str(shift.id)}
    )

    assert refused.status_code == 422
    assert "Volunteers who sign up here must be 18 or older." in text_of(refused)
    assert await ShiftSignup.all().count() == 0


async def test_a_full_shift_refuses_on_the_public_form(client, settings) -> None:
    shift = await make_shift(needed=1)
    await post_form(
        client,
        f"/events/{shift.event.slug}/volunteer",
        {**GUEST, "shift": str(shift.id), "adult": "1"},
    )

    refused = await post_form(
        client,
        f"/events/{shift.event.slug}/volunteer",
        {**GUEST, "email": "beto@example.org", "shift": str(shift.id), "adult": "1"},
    )

    assert refused.status_code in (400, 409)
    assert "This shift is full. Choose another one." in text_of(refused)
    assert await ShiftSignup.filter(shift=shift).count() == 1


async def test_sign_ups_by_email_are_limited_like_other_mail_forms(client, settings) -> None:
    shifts = [await make_shift(needed=50) for _ in range(settings.mail_limit + 1)]
    answers = []
    for shift in shifts:
        answers.append(
            await post_form(
                client,
                f"/events/{shift.event.slug}/volunteer",
                {**GUEST, "shift": str(shift.id), "adult": "1"},
            )
        )

    assert [a.status_code for a in answers] == [200] * settings.mail_limit + [429]
    assert await OutboxMessage.filter(template="shift_confirmed").count() == settings.mail_limit
