"""Every list of the API comes a page at a time (``limit``, ``cursor``, a ``next`` link)
with its filters, and says so in the OpenAPI document; the staff lists that grow without
bound (members, the audit log, speeches) link their next page. The orders of an event
have their own tests in tests/tickets/test_order_pages.py."""

from __future__ import annotations

import html
import re
from datetime import date

import httpx
import pytest

from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort
from tests.soapbox.factories import make_speech
from tests.tickets.factories import bearer_for, days_from_now, make_event, make_ticket_type
from yoc import audit, mail
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.members.enums import MemberStatus
from yoc.members.models import Cohort, MemberProfile
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Speech


async def walk(
    client: httpx.AsyncClient, url: str, key: str, headers: dict[str, str], field: str = "id"
) -> list[list]:
    """Every page from ``url`` on, following ``next`` links: ``field`` of each item."""
    pages = []
    while url:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert list(body) == [key, "next"]
        pages.append([item[field] for item in body[key]])
        url = body["next"]
        assert len(pages) < 100, "the pages never end"
    return pages


def flat(pages: list[list]) -> list:
    return [item for page in pages for item in page]


async def members_named(
    names: list[str], *, status: MemberStatus = MemberStatus.ACTIVE, cohort: Cohort | None = None
) -> list[User]:
    """Members with these names (and profiles in ``status``), written in two statements."""
    start = await User.all().count()
    users = [
        User(name=name, email=f"m{start + i}@example.org", role=Role.MEMBER, language="en")
        for i, name in enumerate(names)
    ]
    await User.bulk_create(users)
    users = list(await User.filter(email__in=[u.email for u in users]))
    await MemberProfile.bulk_create(
        [
            MemberProfile(user=u, display_name=u.name, birth_date=date(2005, 1, 1), status=status)
            for u in users
        ]
    )
    if cohort is not None:
        await cohort.members.add(*users)
    return users


def by_name(users: list[User]) -> list[int]:
    return [u.id for u in sorted(users, key=lambda u: (u.name, u.id))]


# Members -----------------------------------------------------------------------------


@pytest.fixture
async def staff(app) -> dict[str, str]:
    return await bearer_for(await make_user(role=Role.STAFF, name="Sam Staff"))


async def test_members_come_by_name_each_once_across_pages(client, staff) -> None:
    # Same names: the id decides among them.
    people = await members_named(["Beto", "Ana", "Carla", "Ana", "Beto", "Ana", "Dani"])

    pages = await walk(client, "/api/v1/members?limit=3", "members", staff)

    assert [len(page) for page in pages] == [3, 3, 1]
    assert flat(pages) == by_name(people)


async def test_members_filter_by_group_and_state_on_every_page(client, staff) -> None:
    group, other = await make_cohort("Summer Mecca"), await make_cohort("Summer Thermal")
    wanted = await members_named(["Eva", "Ana", "Luz", "Ana", "Ivan"], cohort=group)
    await members_named(["Ana", "Zoe"], cohort=group, status=MemberStatus.PENDING_APPROVAL)
    await members_named(["Ana", "Bea"], cohort=other)

    pages = await walk(
        client, f"/api/v1/members?group={group.id}&state=active&limit=2", "members", staff
    )

    assert [len(page) for page in pages] == [2, 2, 1]
    assert flat(pages) == by_name(wanted)


async def test_a_mentor_pages_through_their_groups_only(client) -> None:
    mentor = await make_user(role=Role.MENTOR)
    mine = await members_named(["Ana", "Beto", "Carla"], cohort=await make_cohort(mentors=[mentor]))
    await members_named(["Abel", "Bruno"], cohort=await make_cohort())

    pages = await walk(client, "/api/v1/members?limit=2", "members", await bearer_for(mentor))

    assert flat(pages) == by_name(mine)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("group=0", {"group": "This number is too small."}),
        ("group=summer", {"group": "Enter a whole number."}),
        ("state=happy", {"state": "Choose one of the options."}),
        ("limit=500", {"limit": "Ask for between 1 and 200 at a time."}),
        (
            "cursor=abc",
            {
                "cursor": "This page link is not valid, or was made for another list. "
                "Start again from the first page."
            },
        ),
    ],
)
async def test_a_bad_member_filter_is_refused(client, staff, query, fields) -> None:
    response = await client.get(f"/api/v1/members?{query}", headers=staff)

    assert response.status_code == 422
    assert response.json()["fields"] == fields


async def test_groups_and_a_groups_members_come_a_page_at_a_time(client, staff) -> None:
    groups = [await make_cohort(name) for name in ("Spring", "Autumn", "Summer", "Winter")]
    people = await members_named(["Ana", "Ana", "Beto"], cohort=groups[0])

    group_pages = await walk(client, "/api/v1/cohorts?limit=3", "cohorts", staff, "name")
    member_pages = await walk(
        client, f"/api/v1/cohorts/{groups[0].id}/members?limit=2", "members", staff
    )

    assert group_pages == [["Autumn", "Spring", "Summer"], ["Winter"]]
    assert flat(member_pages) == by_name(people)
    assert [len(page) for page in member_pages] == [2, 1]


# Speeches and events ------------------------------------------------------------------


async def test_speeches_come_by_id_a_page_at_a_time_with_the_state_filter(client, staff) -> None:
    [speaker] = await members_named(["Ana"])
    for state in [SpeechState.SUBMITTED, SpeechState.ACCEPTED] * 3 + [SpeechState.DRAFT]:
        await make_speech(speaker, state=state)
    listed = await Speech.exclude(state=SpeechState.DRAFT).order_by("id")

    every = await walk(client, "/api/v1/speeches?limit=4", "speeches", staff)
    accepted = await walk(client, "/api/v1/speeches?state=accepted&limit=2", "speeches", staff)

    assert every == [[s.id for s in listed[:4]], [s.id for s in listed[4:]]]
    assert flat(accepted) == [s.id for s in listed if s.state == SpeechState.ACCEPTED]
    assert [len(page) for page in accepted] == [2, 1]


async def test_events_come_soonest_first_and_filter_upcoming_or_past(client) -> None:
    past = await make_event(starts_at=days_from_now(-10), ends_at=days_from_now(-9.9))
    later = await make_event(starts_at=days_from_now(40), ends_at=days_from_now(40.2))
    soon = await make_event(starts_at=days_from_now(5), ends_at=days_from_now(5.2))
    await make_event(published=False)
    await make_ticket_type(soon, name_en="Early", name_es="Temprano")
    await make_ticket_type(soon, name_en="Hidden", name_es="Oculto", access_code="FRIENDS")
    await make_ticket_type(later)

    every = await walk(client, "/api/v1/events?limit=2", "events", {}, "slug")
    upcoming = await walk(client, "/api/v1/events?when=upcoming&limit=1", "events", {}, "slug")
    gone = await walk(client, "/api/v1/events?when=past", "events", {}, "slug")
    first = (await client.get("/api/v1/events?limit=2")).json()["events"]
    bad = await client.get("/api/v1/events?when=tomorrow")

    assert every == [[past.slug, soon.slug], [later.slug]]
    assert upcoming == [[soon.slug], [later.slug]]
    assert gone == [[past.slug]]
    # Each event still comes with the ticket types on sale, hidden ones left out.
    assert [[t["name"]["en"] for t in e["ticket_types"]] for e in first] == [[], ["Early"]]
    assert (bad.status_code, bad.json()["fields"]) == (
        422,
        {"when": "Choose one of the options."},
    )


# The OpenAPI document ------------------------------------------------------------------

PAGED = {
    ("/api/v1/events", "get"): {"when"},
    ("/api/v1/events/{slug}/orders", "get"): {"q", "status", "email", "from", "to"},
    ("/api/v1/members", "get"): {"q", "group", "state"},
    ("/api/v1/cohorts", "get"): set(),
    ("/api/v1/cohorts/{id}/members", "get"): set(),
    ("/api/v1/speeches", "get"): {"state"},
}


async def test_the_document_shows_the_limit_cursor_and_filters_of_every_list(client) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()

    for (path, method), filters in PAGED.items():
        operation = document["paths"][path][method]
        query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
        assert set(query) == {"limit", "cursor", *filters}, path
        assert query["limit"]["schema"] == {
            "type": "integer",
            "minimum": 1,
            "maximum": 200,
            "default": 50,
        }
        assert query["cursor"]["schema"]["type"] == "string"
        assert {"400", "422"} <= set(operation["responses"]), path
        listed = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        schema = document["components"]["schemas"][listed.rsplit("/", 1)[1]]
        assert schema["properties"]["next"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
        assert "next" in schema["required"], path
    orders = document["paths"]["/api/v1/events/{slug}/orders"]["get"]["parameters"]
    status = next(p for p in orders if p["name"] == "status")
    assert status["schema"]["enum"] == ["pending", "paid", "refunded", "cancelled", "expired"]


# Staff pages ------------------------------------------------------------------------

NEXT_RE = re.compile(r'<a href="([^"]+)" rel="next">([^<]+)</a>')
PREV_RE = re.compile(r'<a href="([^"]+)" rel="prev">([^<]+)</a>')


def member_links(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/members/(\d+)"', page)]


@pytest.mark.parametrize(("language", "next_text"), [("en", "Next"), ("es", "Siguiente")])
async def test_the_members_directory_links_its_next_page_with_the_filters(
    client, language, next_text
) -> None:
    wanted = await members_named(["Ana", "Beto", "Ana", "Carla", "Dani"])
    await members_named(["Abel"], status=MemberStatus.PENDING_APPROVAL)
    person = await make_user(role=Role.STAFF, language=language)
    await log_in(client, person.email, PASSWORD)

    first = await client.get("/members?status=active&limit=2")
    link, text = NEXT_RE.search(first.text).groups()
    second = await client.get(html.unescape(link))
    third = await client.get(html.unescape(NEXT_RE.search(second.text)[1]))

    assert text == next_text
    assert "status=active" in link
    assert member_links(first.text) + member_links(second.text) + member_links(
        third.text
    ) == by_name(wanted)
    assert NEXT_RE.search(third.text) is None
    assert PREV_RE.search(third.text) is not None


async def test_the_audit_log_pages_newest_first(client) -> None:
    person = await make_user(role=Role.STAFF, language="es")
    await log_in(client, person.email, PASSWORD)
    for n in range(5):
        await audit.record(
            actor=person, action=audit.AuditAction.VIEW, subject_label=f"Subject {n}"
        )

    first = await client.get("/staff/audit?limit=3")
    link, text = NEXT_RE.search(first.text).groups()
    second = await client.get(html.unescape(link))

    labels = re.compile(r"<td>(Subject \d)")
    assert text == "Siguiente"
    assert labels.findall(first.text) == ["Subject 4", "Subject 3", "Subject 2"]
    assert labels.findall(second.text) == ["Subject 1", "Subject 0"]
    assert NEXT_RE.search(second.text) is None


async def test_the_staff_list_of_speeches_links_its_next_page(client) -> None:
    [speaker] = await members_named(["Ana"])
    speeches = [
        await make_speech(speaker, title=f"Speech {n}", state=SpeechState.SUBMITTED)
        for n in range(3)
    ]
    for n, speech in enumerate(speeches):  # the latest changed first
        await Speech.filter(id=speech.id).update(updated_at=days_from_now(-n))
    person = await make_user(role=Role.STAFF)
    await log_in(client, person.email, PASSWORD)

    first = await client.get("/staff/speeches?state=submitted&limit=2")
    link, text = NEXT_RE.search(first.text).groups()
    second = await client.get(html.unescape(link))

    titles = re.compile(r'<a href="/speeches/\d+">(Speech \d)</a>')
    assert text == "Next"
    assert "state=submitted" in link
    assert titles.findall(first.text) == ["Speech 0", "Speech 1"]
    assert titles.findall(second.text) == ["Speech 2"]


async def test_a_staff_list_with_a_broken_page_link_says_so(client) -> None:
    person = await make_user(role=Role.STAFF, language="es")
    await log_in(client, person.email, PASSWORD)

    response = await client.get("/members?cursor=broken")

    assert response.status_code == 422
    assert "Este enlace de página no es válido" in response.text


# The admin's lists -------------------------------------------------------------------


async def test_the_admins_list_of_people_pages_by_name_with_the_search_kept(client) -> None:
    wanted = await members_named(["Ana Ruiz", "Ana Lopez", "Beto", "Ana Diaz", "Ana Cruz"])
    admin = await make_user(role=Role.ADMIN, name="Zoe Admin", language="es")
    await log_in(client, admin.email, PASSWORD)

    pages, url = [], "/admin/users?q=ana&limit=2"
    while url:
        page = await client.get(url)
        assert page.status_code == 200
        pages.append(re.findall(r"<strong>(Ana \w+)</strong>", page.text))
        found = NEXT_RE.search(page.text)
        url = html.unescape(found[1]) if found else None
        if found:
            assert "q=ana" in found[1] and found[2] == "Siguiente"
        if len(pages) == 1:  # someone joins meanwhile, before those shown: nothing shifts
            await members_named(["Ana Abad"])

    assert pages == [["Ana Cruz", "Ana Diaz"], ["Ana Lopez", "Ana Ruiz"]]
    assert len(wanted) == 5


async def message(subject: str) -> None:
    await mail.OutboxMessage.create(
        to_email="someone@example.org",
        subject=subject,
        body_text="Hello",
        template="password_reset",
        language="en",
        next_attempt_at=days_from_now(0),
    )


async def test_the_outbox_pages_newest_first_and_a_new_message_shifts_nothing(client) -> None:
    admin = await make_user(role=Role.ADMIN)
    await log_in(client, admin.email, PASSWORD)
    for n in range(5):
        await message(f"Message {n}")

    first = await client.get("/admin/outbox?limit=2")
    await message("Message late")
    second = await client.get(html.unescape(NEXT_RE.search(first.text)[1]))
    third = await client.get(html.unescape(NEXT_RE.search(second.text)[1]))

    subjects = re.compile(r"<strong>(Message \w+)</strong>")
    assert subjects.findall(first.text) == ["Message 4", "Message 3"]
    assert subjects.findall(second.text) == ["Message 2", "Message 1"]
    assert subjects.findall(third.text) == ["Message 0"]
    assert NEXT_RE.search(third.text) is None
