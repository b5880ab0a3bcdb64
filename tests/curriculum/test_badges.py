"""Badges (yoc.curriculum.services.badges): one for a milestone module or a whole track,
never two, private until the member shares it, and then an Open Badges credential
without the email."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime

import httpx
import pytest

from tests.conftest import log_in, post_form
from tests.curriculum.conftest import badge_keys
from tests.curriculum.factories import give, make_activity, make_module, make_track, milestone_for
from tests.factories import PASSWORD
from yoc.accounts.models import User
from yoc.curriculum.models import Badge, ModuleCompletion
from yoc.curriculum.services import badges, progress
from yoc.members.enums import ConsentPurpose
from yoc.members.services import consent

# Awarding ------------------------------------------------------------------------------


async def test_finishing_a_milestone_module_awards_exactly_one_badge(group) -> None:
    milestone, (first, second) = await milestone_for(group.member)

    await progress.mark_done(group.member, first.id)
    keys_halfway = await badge_keys()
    await progress.mark_done(group.member, second.id)

    assert keys_halfway == []
    assert await badge_keys() == [f"module:{milestone.id}"]
    badge = await Badge.get()
    assert (badge.member_id, badge.title_en, badge.title_es, badge.public) == (
        group.member.id,
        "First campaign",
        "Primera campaña",
        False,
    )


async def test_awarding_a_finished_milestone_again_gives_no_second_badge(group) -> None:
    milestone, activities = await milestone_for(group.member, activities=1)
    await progress.mark_done(group.member, activities[0].id)

    await badges.award_for_module(group.member.id, milestone.id)
    await asyncio.gather(
        badges.award_for_module(group.member.id, milestone.id),
        badges.award_for_module(group.member.id, milestone.id),
    )

    assert await badge_keys() == [f"module:{milestone.id}"]


async def test_two_badge_awards_at_once_give_one_badge(group) -> None:
    milestone, _ = await milestone_for(group.member, activities=1)
    await ModuleCompletion.create(member=group.member, module=milestone)

    await asyncio.gather(
        badges.award_for_module(group.member.id, milestone.id),
        badges.award_for_module(group.member.id, milestone.id),
    )

    assert await badge_keys() == [f"module:{milestone.id}"]


async def test_finishing_every_module_of_a_track_awards_the_track_badge_once(group) -> None:
    track = await make_track("Speak Up", "Alza la voz")
    first, second = await make_module(track), await make_module(track)
    a1, a2 = await make_activity(first), await make_activity(second)
    await give(group.member, first, second)

    await progress.mark_done(group.member, a1.id)
    halfway = await badge_keys()
    await progress.mark_done(group.member, a2.id)
    late = await make_activity(second)
    await progress.mark_done(group.member, late.id)
    await badges.award_for_module(group.member.id, second.id)

    assert halfway == []
    assert await badge_keys() == [f"track:{track.id}"]
    badge = await Badge.get()
    assert (badge.track_id, badge.title_en, badge.title_es) == (track.id, "Speak Up", "Alza la voz")


# Sharing -------------------------------------------------------------------------------


@pytest.fixture
async def earned(group) -> Badge:
    """Itzel finished the "First campaign" milestone: two activities, in both languages."""
    track = await make_track("Organize", "Organiza")
    milestone = await make_module(track, "First campaign", "Primera campaña", milestone=True)
    other = await make_module(track)
    await make_activity(other)
    first = await make_activity(milestone, "Map your block", "Mapea tu cuadra")
    second = await make_activity(milestone, "Talk to five neighbours", "Habla con cinco vecinos")
    await give(group.member, milestone, other)
    await progress.mark_done(group.member, first.id)
    await progress.mark_done(group.member, second.id)
    return await Badge.get(member=group.member)


async def share(client: httpx.AsyncClient, badge: Badge, public: str = "1") -> httpx.Response:
    return await post_form(
        client, "/badges", {"public": public}, action=f"/badges/{badge.id}/share"
    )


@pytest.mark.parametrize("suffix", ["", ".json"], ids=["page", "json"])
async def test_a_badge_is_not_public_until_the_member_shares_it(client, earned, suffix) -> None:
    response = await client.get(f"/badges/{earned.uid}{suffix}")

    assert response.status_code == 404
    assert "Itzel" not in response.text


async def test_a_badge_is_private_again_once_sharing_stops(client, earned) -> None:
    await log_in(client, "itzel@example.org", PASSWORD)
    await share(client, earned)

    response = await share(client, earned, "0")

    assert response.status_code == 303
    assert (await Badge.get(id=earned.id)).public is False
    assert (await client.get(f"/badges/{earned.uid}.json")).status_code == 404


async def test_shared_badge_is_an_open_badges_credential_without_the_email(
    app, client, earned
) -> None:
    await log_in(client, "itzel@example.org", PASSWORD)
    shared = await share(client, earned)
    badge = await Badge.get(id=earned.id)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as anonymous:
        response = await anonymous.get(f"/badges/{badge.uid}.json")

    assert (shared.status_code, shared.headers["location"]) == (303, "/badges")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    credential = response.json()
    assert "https://www.w3.org/ns/credentials/v2" in credential["@context"]
    assert "OpenBadgeCredential" in credential["type"]
    issuer = credential["issuer"]
    assert issuer["id"] == "http://testserver/"
    assert issuer["type"] == ["Profile"]
    assert issuer["name"] == "Youth Organizing Council (YO-C)"
    valid_from = datetime.fromisoformat(credential["validFrom"])
    assert (valid_from, valid_from.tzinfo is not None) == (badge.awarded_at, True)
    subject = credential["credentialSubject"]
    assert subject["name"] == "Itzel R."
    [identifier] = subject["identifier"]
    assert identifier["hashed"] is True
    assert identifier["identityType"] == "emailAddress"
    assert identifier["salt"] == badge.salt
    assert len(badge.salt) >= 16
    expected_hash = hashlib.sha256(("itzel@example.org" + badge.salt).encode()).hexdigest()
    assert identifier["identityHash"] == "sha256$" + expected_hash
    assert "itzel@example.org" not in response.text
    assert "Ramírez" not in response.text
    narrative = subject["achievement"]["criteria"]["narrative"]
    for title in ("Map your block", "Talk to five neighbours"):
        assert title in narrative
    for title in ("Mapea tu cuadra", "Habla con cinco vecinos"):
        assert title in narrative


async def test_shared_badge_page_shows_only_the_public_name(app, client, earned) -> None:
    await log_in(client, "itzel@example.org", PASSWORD)
    await share(client, earned)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as anonymous:
        response = await anonymous.get(f"/badges/{earned.uid}")

    assert response.status_code == 200
    assert "First campaign" in response.text
    assert "Earned by Itzel R. on" in response.text
    assert "Ramírez" not in response.text
    assert "Completed: Map your block; Talk to five neighbours." in response.text


async def test_a_shared_badge_names_no_one_once_the_public_name_is_withdrawn(
    app, client, earned
) -> None:
    await log_in(client, "itzel@example.org", PASSWORD)
    await share(client, earned)
    member = await User.get(email="itzel@example.org")
    await consent.revoke(actor=member, member=member, purpose=ConsentPurpose.PUBLIC_NAME)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as anonymous:
        page = await anonymous.get(f"/badges/{earned.uid}", headers={"Accept-Language": "es"})
        credential = await anonymous.get(f"/badges/{earned.uid}.json")

    assert page.status_code == 200
    assert "Itzel" not in page.text
    assert "Integrante de YO-C" in page.text
    assert "Itzel" not in credential.text
    assert "name" not in credential.json()["credentialSubject"]
