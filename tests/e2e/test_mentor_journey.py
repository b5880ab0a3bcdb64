"""A mentor logs in on a phone, opens one of her groups, finds a member in the roster and
reads her profile; she adds a private note; a member of another group stays out of reach.

The live server holds the demo data (``yoc/demo.py``): Lucía mentors "Summer 2027 North
Shore" (Ana, Beto, Cami); Daniel mentors "Summer 2027 Mecca & Thermal" (Dani, Eli, Fer).
Lucía's account is in Spanish, so elements are found by href, id or name, and every text
the journey asserts is read from the Spanish catalog."""

from __future__ import annotations

import unicodedata
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

from tests.e2e.pages import path_is, sign_in
from yoc import demo
from yoc.enums import Labelled
from yoc.http import ERROR_TITLES
from yoc.i18n import LANGUAGE_NAMES, gettext, ngettext, use_language
from yoc.members.enums import ConsentPurpose, MemberStatus

if TYPE_CHECKING:
    from tests.e2e.conftest import DemoIds

pytestmark = pytest.mark.e2e

MENTOR = "mentor.lucia@demo.yoc.example"
OTHER_MENTOR = "mentor.daniel@demo.yoc.example"
ANA = "ana@demo.yoc.example"
OTHER_COHORT_MEMBER = "dani@demo.yoc.example"
COHORT = "Summer 2027 North Shore"
OTHER_COHORT = "Summer 2027 Mecca & Thermal"


def es(message: str, **variables: object) -> str:
    """The text the Spanish pages show for ``message`` (the English one while the catalog
    has no translation yet: then the page shows English too)."""
    with use_language("es"):
        return gettext(message, **variables)


def es_plural(singular: str, plural: str, n: int, **variables: object) -> str:
    with use_language("es"):
        return ngettext(singular, plural, n, **variables)


def es_label(value: Labelled) -> str:
    with use_language("es"):
        return value.label


def spanish(message: str, **variables: object) -> str:
    """Like ``es``, but refuses a message the catalog does not translate: proof that the
    page really is in Spanish."""
    with use_language("en"):
        english = gettext(message, **variables)
    translated = es(message, **variables)
    assert translated != english, f"no Spanish translation in the catalog for {message!r}"
    return translated


def person(email: str) -> demo.DemoPerson:
    return next(p for p in demo.PEOPLE if p.email == email)


async def test_mentor_opens_her_group_and_a_members_profile(
    page: Page, demo_ids: DemoIds, artifacts_dir: Path
) -> None:
    mentor, ana = person(MENTOR), person(ANA)
    assert mentor.language == "es" and ana.cohort == mentor.cohort
    assert person(OTHER_COHORT_MEMBER).cohort != mentor.cohort
    cohort_id, other_cohort_id = demo_ids.cohort(COHORT), demo_ids.cohort(OTHER_COHORT)
    roster_emails = [p.email for p in demo.PEOPLE if p.cohort == mentor.cohort and p.age]
    roster_ids = sorted(demo_ids.user(email) for email in roster_emails)
    assert len(roster_ids) == 3
    ana_id, stranger_id = demo_ids.user(ANA), demo_ids.user(OTHER_COHORT_MEMBER)
    guardian_name, relationship, guardian_language = ana.guardian
    note = f"Ana quiere ensayar su discurso el jueves. ({uuid.uuid4().hex[:8]})"

    html = page.locator("html")
    h1 = page.locator("main h1")
    header = page.locator("header.site-header")

    # Log in (the page is English: the browser is English and nobody is signed in yet).
    await sign_in(page, MENTOR)
    await expect(page).to_have_url(path_is("/dashboard"))
    # Her account's language wins from now on.
    await expect(html).to_have_attribute("lang", "es")
    await expect(h1).to_have_text(es("Hi, %(name)s", name=mentor.name))
    await expect(header.locator('form[action="/logout"] button')).to_have_text(spanish("Log out"))

    # The header's "Groups" link lists her group, and only hers.
    groups_link = header.locator('a[href="/cohorts"]')
    await expect(groups_link).to_have_text(es("Groups"))
    await groups_link.click()
    await expect(page).to_have_url(path_is("/cohorts"))
    await expect(h1).to_have_text(es("Groups"))
    cohort_link = page.locator(f'main a[href="/cohorts/{cohort_id}"]')
    await expect(cohort_link).to_have_text(COHORT)
    await expect(page.locator(f'main a[href="/cohorts/{other_cohort_id}"]')).to_have_count(0)
    await expect(page.locator('main form[action="/cohorts/new"]')).to_have_count(0)

    # Her group: its mentor and its three members.
    await cohort_link.click()
    await expect(page).to_have_url(path_is(f"/cohorts/{cohort_id}"))
    await expect(h1).to_have_text(COHORT)
    main = page.locator("main")
    await expect(main).to_contain_text(
        es_plural("Mentor: %(names)s", "Mentors: %(names)s", 1, names=mentor.name)
    )
    roster_links = main.locator('li.member-row a[href^="/members/"]')
    await expect(roster_links).to_have_count(3)
    hrefs = sorted([await link.get_attribute("href") for link in await roster_links.all()])
    assert hrefs == sorted(f"/members/{i}" for i in roster_ids)
    await expect(main).to_contain_text(es_plural("%(num)d member", "%(num)d members", 3))
    # Mentors cannot add or remove people.
    await expect(main.locator('form[action$="/remove"]')).to_have_count(0)
    await page.screenshot(path=artifacts_dir / "mentor-roster-es-360.png", full_page=True)

    # The roster's search box finds Ana, and only her.
    search = main.locator('form[role="search"]')
    await expect(search.locator('label[for="q"]')).to_have_text(es("Search this group"))
    await search.locator('input[name="q"]').fill("Ana")
    await search.locator('button[type="submit"]').click()
    await expect(page).to_have_url(path_is(f"/cohorts/{cohort_id}"))
    assert "q=Ana" in page.url
    await expect(roster_links).to_have_count(1)
    ana_link = main.locator(f'li.member-row a[href="/members/{ana_id}"]')
    await expect(ana_link).to_have_text("Ana")
    await expect(main.locator("li.member-row")).to_contain_text(ana.name)
    await expect(search.locator('input[name="q"]')).to_have_value("Ana")
    await page.screenshot(path=artifacts_dir / "mentor-roster-search-es-360.png", full_page=True)

    # Her profile: the facts about her, her guardian, her permissions and the notes.
    await ana_link.click()
    await expect(page).to_have_url(path_is(f"/members/{ana_id}"))
    await expect(html).to_have_attribute("lang", "es")
    await expect(h1).to_have_text("Ana")
    head = main.locator(".profile-head")
    await expect(head).to_contain_text(ana.name)
    await expect(head).to_contain_text(es_plural("%(num)d year old", "%(num)d years old", ana.age))

    facts = main.locator("dl.facts")
    await expect(facts.locator("dt")).to_have_text(
        [
            es("Status"),
            es("Community"),
            es("School"),
            es("Language"),
            es("Email"),
            es("Interests"),
            es("Groups"),
        ]
    )
    grade = min(12, ana.age - 5)  # as yoc/demo.py seeds it
    await expect(facts.locator("dd")).to_have_text(
        [
            es_label(MemberStatus.ACTIVE),
            es_label(ana.community),
            f"{ana.school} · {es('grade %(grade)s', grade=grade)}",
            LANGUAGE_NAMES[ana.language],
            ANA,
            ana.interests,
            COHORT,
        ]
    )

    cards = main.locator("section.card")
    permissions = cards.filter(has=page.locator("h2", has_text=es("Permissions")))
    await expect(permissions).to_have_count(1)
    purposes = list(ConsentPurpose)
    items = permissions.locator("ul.plain-list > li")
    await expect(items).to_have_count(len(purposes))
    for item, purpose in zip(await items.all(), purposes, strict=True):
        # The demo guardian signed a paper form saying yes to everything.
        await expect(item).to_contain_text(f"{es_label(purpose)}: {es('yes')}")
        await expect(item).to_contain_text(guardian_name)
    await expect(permissions).to_contain_text(es("Shown in public as: %(name)s", name="Ana D."))

    # She is a minor: her parent or guardian, and how to reach them.
    await expect(permissions.locator("h3")).to_have_text(es("Parent or guardian"))
    guardian = permissions.locator("h3 ~ .guardian p").first
    await expect(guardian.locator("strong")).to_have_text(guardian_name)
    await expect(guardian).to_contain_text(es_label(relationship))
    await expect(guardian).to_contain_text(LANGUAGE_NAMES[guardian_language])
    # yoc/demo.py makes the address from the first name, without accents.
    first = unicodedata.normalize("NFKD", guardian_name.split()[0]).encode("ascii", "ignore")
    guardian_email = f"{first.decode().lower()}.family@demo.yoc.example"
    await expect(guardian).to_contain_text(guardian_email)
    await expect(guardian.locator('a[href^="tel:"]')).to_have_text("760-555-0100")
    # Mentors cannot record consent or resend the form: that is the staff's job.
    await expect(main.locator('form[action$="/consent/resend"]')).to_have_count(0)
    await expect(main.locator('form[action$="/consent/paper"]')).to_have_count(0)

    # The mentor notes: the one Lucía shared with Ana, then a new private one.
    notes = main.locator("section#notes")
    await expect(notes.locator("h2")).to_have_text(es("Mentor notes"))
    shared = notes.locator("article.note").filter(has_text="Qué buen trabajo")
    await expect(shared).to_have_count(1)
    await expect(shared).to_contain_text(mentor.name)
    await expect(shared).to_contain_text(es("shared with the member"))
    await expect(notes.locator("article.note")).to_have_count(1)
    await page.screenshot(path=artifacts_dir / "mentor-profile-es-360.png", full_page=True)

    note_form = notes.locator(f'form[action="/members/{ana_id}/notes"]')
    await expect(note_form.locator('label[for="f-body"]')).to_have_text(es("New note"))
    await note_form.locator('textarea[name="body"]').fill(note)
    private = note_form.locator('input[name="visibility"][value="mentors"]')
    await expect(private).to_be_checked()  # private by default
    await note_form.locator('button[type="submit"]').click()
    await expect(page).to_have_url(path_is(f"/members/{ana_id}"))
    # The flash message is at the top of the page, where the browser lands.
    await expect(page.locator("main > .flash-success")).to_have_text(es("Your note is saved."))
    await expect(notes.locator("article.note")).to_have_count(2)
    added = notes.locator("article.note").filter(has_text=note)
    await expect(added).to_have_count(1)
    await expect(added.locator("p").first).to_have_text(note)
    await expect(added).to_contain_text(mentor.name)
    await expect(added).to_contain_text(es("mentors and staff only"))
    await expect(added).to_be_visible()
    await page.screenshot(path=artifacts_dir / "mentor-profile-note-es-360.png", full_page=True)

    # A member of another group, and that group, do not exist as far as she can tell.
    response = await page.goto(f"/members/{stranger_id}")
    assert response is not None and response.status == 404
    await expect(html).to_have_attribute("lang", "es")
    await expect(h1).to_have_text(es(ERROR_TITLES[404]))
    await expect(main).to_contain_text(spanish("The link may be old, or the page may have moved."))
    await expect(main).not_to_contain_text(person(OTHER_COHORT_MEMBER).name)
    await page.screenshot(path=artifacts_dir / "mentor-404-es-360.png", full_page=True)

    response = await page.goto(f"/cohorts/{other_cohort_id}")
    assert response is not None and response.status == 404
    await expect(h1).to_have_text(es(ERROR_TITLES[404]))
    await expect(main).not_to_contain_text(OTHER_COHORT)
