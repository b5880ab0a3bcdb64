"""Helpers the family page tests share: a teen with a guardian, and a guardian's own
browser, signed in with the link the app emailed them."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator

import httpx

from tests.conftest import csrf_from, post_form
from tests.members.conftest import browser
from tests.members.factories import make_member
from yoc.accounts.models import User
from yoc.mail import OutboxMessage
from yoc.members.enums import Relationship
from yoc.members.models import Guardian

LINK = re.compile(r"http://testserver(/family/sign-in/[A-Za-z0-9_\-]+)")


async def teen_with_guardian(
    *, email: str = "maria@example.org", language: str = "es", **member: object
) -> tuple[User, Guardian]:
    """A member (15 by default) whose guardian, María, signed a paper form (so staff
    confirmed her) and has ``email``."""
    teen = await make_member(**member)
    guardian = await Guardian.get(member=teen)
    guardian.name, guardian.email, guardian.language = "María Ramírez", email, language
    await guardian.save()
    return teen, guardian


async def add_guardian(teen: User, email: str, **fields: object) -> Guardian:
    """Another guardian row for ``teen``, as the teen adds one: not confirmed."""
    return await Guardian.create(
        member=teen,
        name=fields.pop("name", "Jorge Ramírez"),
        relationship=fields.pop("relationship", Relationship.FATHER),
        email=email,
        language=fields.pop("language", "es"),
        **fields,
    )


async def emailed_link(email: str) -> str:
    message = (
        await OutboxMessage.filter(to_email=email, template="guardian_sign_in")
        .order_by("-id")
        .first()
    )
    assert message is not None, f"no sign-in link was sent to {email}"
    match = LINK.search(message.body_text)
    assert match, "the message has no sign-in link"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, email: str) -> None:
    """Ask for a link on the sign-in page, open it from the email, press the button."""
    asked = await post_form(client, "/family/sign-in", {"email": email})
    assert asked.status_code == 200, asked.text
    link = await emailed_link(email)
    page = await client.get(link)
    assert page.status_code == 200, page.text
    done = await client.post(link, data={"csrf_token": csrf_from(page.text)})
    assert done.status_code == 303, done.text


@contextlib.asynccontextmanager
async def guardian_browser(app, email: str, **headers: str) -> AsyncIterator[httpx.AsyncClient]:
    """A guardian's phone, signed in to the family page."""
    async with browser(app, **headers) as client:
        await sign_in(client, email)
        yield client
