"""Guardians sign in to the family page with an emailed link: no password, no account.
The link works once and briefly, is stored only as a hash, and the page that sends it
says the same for any address."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.family.conftest import add_guardian, emailed_link, guardian_browser, teen_with_guardian
from tests.members.conftest import browser, spanish
from tests.members.factories import make_member
from yoc.accounts.enums import Role
from yoc.accounts.models import UserSession
from yoc.mail import OutboxMessage
from yoc.members.models import DeletionRequest, GuardianLink, GuardianSession
from yoc.members.services import consent, privacy
from yoc.security import hash_token
from yoc.timeutil import utcnow

LINK_INVALID = "This sign-in link has expired or has already been used. Ask for a new one below."


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


async def test_the_sign_in_page_is_linked_from_the_log_in_page(client) -> None:
    response = await client.get("/login")

    assert 'href="/family/sign-in"' in response.text


async def test_a_guardian_is_emailed_a_link_in_her_language(client) -> None:
    await teen_with_guardian(email="maria@example.org", language="es")

    response = await post_form(client, "/family/sign-in", {"email": " Maria@Example.org "})

    assert response.status_code == 200
    assert "Check your email" in response.text
    (message,) = await OutboxMessage.filter(template="guardian_sign_in")
    assert (message.to_email, message.language) == ("maria@example.org", "es")
    assert message.subject == spanish("Your sign-in link to the YO-C family page")
    token = (await emailed_link("maria@example.org")).rsplit("/", 1)[1]
    (link,) = await GuardianLink.all()
    # Stored as a hash only, and short-lived.
    assert link.token_hash == hash_token(token) and token not in link.token_hash
    assert timedelta(minutes=25) < link.expires_at - utcnow() <= timedelta(minutes=30)


async def test_the_answer_is_the_same_for_an_address_nobody_knows(app) -> None:
    await teen_with_guardian(email="maria@example.org")
    async with browser(app) as first, browser(app) as second:
        known = await post_form(first, "/family/sign-in", {"email": "maria@example.org"})
        unknown = await post_form(second, "/family/sign-in", {"email": "nobody@example.org"})

    assert (known.status_code, unknown.status_code) == (200, 200)
    assert without_tokens(known.text).replace("maria@", "X@") == without_tokens(
        unknown.text
    ).replace("nobody@", "X@")
    assert await OutboxMessage.filter(to_email="nobody@example.org").count() == 0
    assert await GuardianLink.all().count() == 1


async def test_the_guardian_of_a_member_who_turned_18_gets_no_link(client) -> None:
    adult = await make_member(age=19)
    await add_guardian(adult, "mom@example.org")

    await post_form(client, "/family/sign-in", {"email": "mom@example.org"})

    assert await OutboxMessage.filter(template="guardian_sign_in").count() == 0


async def test_a_flood_of_requests_for_one_address_sends_few_links(client) -> None:
    await teen_with_guardian(email="maria@example.org")

    for _ in range(8):
        response = await post_form(client, "/family/sign-in", {"email": "maria@example.org"})
        assert response.status_code == 200

    assert await OutboxMessage.filter(template="guardian_sign_in").count() == 5


async def test_the_link_signs_in_once_with_a_cookie_of_its_own(app) -> None:
    teen, _ = await teen_with_guardian(email="maria@example.org", language="es")
    async with browser(app) as phone:
        await post_form(phone, "/family/sign-in", {"email": "maria@example.org"})
        link = await emailed_link("maria@example.org")

        opened = await phone.get(link)
        opened_again = await phone.get(link)  # a mail scanner's visit does not use it up
        signed_in = await phone.post(link, data={"csrf_token": csrf_from(opened.text)})
        replay = await phone.post(link, data={"csrf_token": csrf_from(opened.text)})
        stale = await phone.get(link)
        home = await phone.get("/family")

    assert (opened.status_code, opened_again.status_code) == (200, 200)
    assert spanish("Hello %(name)s", name="María Ramírez") in opened.text
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/family"
    cookie = next(
        c for c in signed_in.headers.get_list("set-cookie") if c.startswith("yoc_family=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/family" in cookie
    key = cookie.split(";", 1)[0].split("=", 1)[1]
    (session,) = await GuardianSession.all()
    assert session.key_hash == hash_token(key) and session.email == "maria@example.org"
    # No user account, no user session.
    assert await UserSession.all().count() == 0
    assert (replay.status_code, stale.status_code) == (400, 400)
    assert spanish(LINK_INVALID) in stale.text
    # One teen: straight to her page.
    assert home.status_code == 303
    assert home.headers["location"] == f"/family/teens/{teen.id}"


async def test_an_expired_link_does_not_sign_in(app) -> None:
    await teen_with_guardian(email="maria@example.org", language="en")
    async with browser(app) as phone:
        await post_form(phone, "/family/sign-in", {"email": "maria@example.org"})
        link = await emailed_link("maria@example.org")
        await GuardianLink.all().update(expires_at=utcnow() - timedelta(seconds=1))

        response = await phone.get(link)

    assert response.status_code == 400
    assert LINK_INVALID in response.text
    assert await GuardianSession.all().count() == 0


async def test_the_family_page_without_a_session_asks_for_a_link(app, client) -> None:
    teen, _ = await teen_with_guardian()
    # A member account signed in is no guardian session.
    await log_in(client, teen.email, PASSWORD)

    for path in ("/family", f"/family/teens/{teen.id}"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/family/sign-in"


async def test_signing_out_ends_the_guardian_session(app) -> None:
    teen, _ = await teen_with_guardian(email="maria@example.org")
    async with guardian_browser(app, "maria@example.org") as phone:
        page = await phone.get(f"/family/teens/{teen.id}")
        out = await phone.post("/family/sign-out", data={"csrf_token": csrf_from(page.text)})
        after = await phone.get("/family")

    assert out.status_code == 303
    assert out.headers["location"] == "/family/sign-in"
    assert await GuardianSession.all().count() == 0
    assert after.status_code == 303


async def test_an_expired_session_is_signed_out(app) -> None:
    teen, _ = await teen_with_guardian(email="maria@example.org")
    async with guardian_browser(app, "maria@example.org") as phone:
        await GuardianSession.all().update(expires_at=utcnow() - timedelta(seconds=1))

        response = await phone.get(f"/family/teens/{teen.id}")

    assert response.status_code == 303
    assert response.headers["location"] == "/family/sign-in"


async def test_the_consent_email_points_to_the_family_page(app, client) -> None:
    teen, guardian = await teen_with_guardian(email="maria@example.org", consented=False)

    await consent.send_request(guardian, teen, settings=app.state.settings)

    (message,) = await OutboxMessage.filter(template="guardian_consent")
    assert "http://testserver/family/sign-in" in message.body_text


async def test_deleting_a_members_data_ends_the_sessions_of_her_only_guardian(app) -> None:
    teen, _ = await teen_with_guardian(email="maria@example.org")
    other, _ = await teen_with_guardian(email="rosa@example.org")
    sibling_of_other, _ = await teen_with_guardian(email="rosa@example.org")
    admin = await make_user(role=Role.ADMIN)
    async with (
        guardian_browser(app, "maria@example.org") as maria,
        guardian_browser(app, "rosa@example.org") as rosa,
    ):
        for member in (teen, other):
            request = await DeletionRequest.create(member=member)
            await privacy.complete_deletion(actor=admin, request_id=request.id)

        maria_after = await maria.get("/family")
        rosa_after = await rosa.get("/family")

    assert await GuardianSession.filter(email="maria@example.org").count() == 0
    assert await GuardianLink.filter(email="maria@example.org").count() == 0
    assert maria_after.status_code == 303
    assert maria_after.headers["location"] == "/family/sign-in"
    # Rosa is still the guardian of another member.
    assert await GuardianSession.filter(email="rosa@example.org").count() == 1
    assert rosa_after.headers["location"] == f"/family/teens/{sibling_of_other.id}"
