"""From sign-up to a badge, on 390 px phones, once in English and once in Spanish: a teen
signs up with her mother's email; she confirms her own email and her mother gives
permission, each from the link of an email the app really sent (over SMTP, to the
``inbox`` of tests/e2e/conftest.py); a staff member approves her and puts her in a
group; she reads the group's Salton Sea module and sends a reflection; her mentor
returns it with feedback; she reads the feedback, in her email and on the module, and
sends it again; the mentor approves it, and the module's badge shows on her dashboard
and her badges page.

Each person has a phone of their own. Staff and mentors see their account's language:
the English run has the demo's English-speaking admin and mentor (Daniel's group), the
Spanish run the Spanish-speaking ones (Lucía's group). Every text asserted comes from
the catalog, in Spanish only if translated. axe-core checks the pages of this journey
that tests/e2e/test_accessibility.py does not visit."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e import pages
from tests.e2e.accessibility import REVIEWED, axe_violations, blocking
from tests.e2e.conftest import Inbox, Texts
from tests.e2e.pages import path_is, sign_in
from yoc import demo
from yoc.curriculum import starter
from yoc.curriculum.enums import ProgressState
from yoc.members.enums import Community

pytestmark = pytest.mark.e2e

# Who works with the teen in each language (yoc/demo.py), and the mentor's group.
STAFF = {"en": "admin@demo.yoc.example", "es": "staff@demo.yoc.example"}
MENTOR = {"en": "mentor.daniel@demo.yoc.example", "es": "mentor.lucia@demo.yoc.example"}
GROUP = {"en": "Summer 2027 Mecca & Thermal", "es": "Summer 2027 North Shore"}
MODULE = "Environmental justice and the Salton Sea"  # given to both groups (conftest)


def person(email: str) -> demo.DemoPerson:
    return next(p for p in demo.PEOPLE if p.email == email)


def birth_date_for_age(age: int) -> date:
    """Someone ``age`` today, two months past the birthday (no time-zone edge)."""
    today = date.today()
    try:
        birthday = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - age, day=28)
    return birthday - timedelta(days=60)


def titles(language: str) -> tuple[str, str, str]:
    """The module's title and its two activities' (the reading, the reflection)."""
    module = next(m for t in starter.TRACKS for m in t[4] if m[0] == MODULE)
    (_, _, read_en, read_es, *_), (_, _, reflect_en, reflect_es, *_) = module[6]
    if language == "es":
        return module[1], read_es, reflect_es
    return module[0], read_en, reflect_en


@pytest.fixture(params=["en", "es"])
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def phones(
    browser: Browser, mail_server: str, language: str
) -> AsyncIterator[dict[str, BrowserContext]]:
    """The teen's, her mother's, the staff member's and the mentor's phones."""
    async with pages.phones(
        browser, mail_server, language, ("teen", "mother", "staff", "mentor")
    ) as contexts:
        yield contexts


class Accessibility:
    """axe-core on pages as the journey reaches them; the findings are checked at the end,
    so that one finding does not hide the rest of the journey."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.problems: list[str] = []

    async def check(self, page: Page, what: str) -> None:
        found = await axe_violations(page)
        for line in blocking(found) + blocking(found, impacts=REVIEWED):
            self.problems.append(f"{what} ({self.language}, 390 px): {line}")


async def test_a_teen_signs_up_and_earns_a_badge_after_a_returned_reflection(
    phones: dict[str, BrowserContext], inbox: Inbox, language: str
) -> None:
    t, lang = Texts(language), language
    tag = uuid.uuid4().hex[:8]
    name = "Itzel Ramírez Soto" if lang == "es" else "Jordan Lee"
    email = f"teen.{tag}@e2e.example.org"
    password = "nopal tortuga verano 42"
    mother = "Rosa Soto" if lang == "es" else "Karen Lee"
    mother_email = f"mother.{tag}@e2e.example.org"
    staff, mentor = person(STAFF[lang]), person(MENTOR[lang])
    assert staff.language == mentor.language == lang
    module, read, reflect = titles(lang)
    first_text = f"The air near the sea smells of dust and salt. ({tag})"
    feedback = f"Say what you saw and who it affects. ({tag})"
    second_text = f"{first_text} My little brother got asthma last year. ({tag}-2)"
    axe = Accessibility(lang)

    teen = await phones["teen"].new_page()
    main, h1 = teen.locator("main"), teen.locator("main h1")

    # 1. She signs up; the page is in her phone's language.
    await teen.goto("/signup")
    await expect(teen.locator("html")).to_have_attribute("lang", lang)
    await expect(h1).to_have_text(t("Join YO-C"))
    form = main.locator('form[action="/signup"]')
    await expect(form.locator("#f-language")).to_have_value(lang)
    await form.locator("#f-name").fill(name)
    await form.locator("#f-birth_date").fill(birth_date_for_age(15).isoformat())
    await form.locator("#f-community").select_option(Community.MECCA.value)
    await form.locator("#f-email").fill(email)
    await form.locator("#f-password").fill(password)
    await form.locator("#f-password_confirm").fill(password)
    await form.locator("#f-guardian_name").fill(mother)
    await form.locator("#f-guardian_email").fill(mother_email)
    await form.locator("#f-guardian_language").select_option(lang)
    await form.get_by_role("button", name=t("Create my account")).click()
    await expect(h1).to_have_text(t("Check your email"))
    await expect(main).to_contain_text(email)

    # 2. Her own email: the link opens her account, which waits for her mother and staff.
    confirm = await inbox.message(email, t("Confirm your email to finish joining YO-C"))
    assert confirm["Content-Language"] == lang
    assert t("Hi %(name)s,", name=name) in inbox.text(confirm)
    await teen.goto(inbox.link(confirm, "/signup/confirm/"))
    await expect(h1).to_have_text(t("Finish signing up"))
    await axe.check(teen, "the sign-up confirmation")
    await teen.get_by_role("button", name=t("Confirm my email")).click()
    await expect(teen).to_have_url(path_is("/dashboard"))
    await expect(h1).to_have_text(t("Hi, %(name)s", name=name))
    steps = main.locator("#waiting li")
    await expect(steps).to_have_count(2)
    await expect(steps.nth(0)).to_contain_text(
        t("Your parent or guardian needs to agree: we emailed %(emails)s.", emails=mother_email)
    )
    await expect(teen.locator('header a[href="/learn"]')).to_have_count(0)

    # 3. Her mother answers the permission form from her email, in her language.
    ask = await inbox.message(mother_email, t("Permission for %(name)s to join YO-C", name=name))
    assert t("Hello %(guardian)s,", guardian=mother) in inbox.text(ask)
    family = await phones["mother"].new_page()
    await family.goto(inbox.link(ask, "/consent/"))
    await expect(family.locator("html")).to_have_attribute("lang", lang)
    await expect(family.locator("main h1")).to_have_text(
        t("Permission for %(name)s to join YO-C", name=name)
    )
    await axe.check(family, "the guardian's permission form")
    await family.locator("#f-participation-agree").check()
    await family.get_by_role("button", name=t("Send my answer")).click()
    await expect(family.locator("main h1")).to_have_text(t("Thank you"))
    await expect(family.locator("main")).to_contain_text(
        t(
            "Your permission is recorded. %(name)s can take part in YO-C as soon as the team "
            "approves the application.",
            name=name,
        )
    )

    # 4. Staff approve her application and put her in the mentor's group.
    office = await phones["staff"].new_page()
    await sign_in(office, staff.email)
    await expect(office).to_have_url(path_is("/dashboard"))
    await office.goto("/staff/applications")
    await expect(office.locator("main h1")).to_have_text(t("Applications"))
    waiting = office.locator("main section").filter(
        has=office.locator("h2", has_text=t("Waiting for approval"))
    )
    row = waiting.locator("li.member-row").filter(has_text=name)
    await expect(row).to_have_count(1)
    await axe.check(office, "the applications")
    await row.get_by_role("button", name=t("Approve"), exact=True).click()
    await expect(office).to_have_url(path_is("/staff/applications"))
    await expect(office.locator("main .flash-success")).to_have_text(
        t("%(name)s’s application is approved: they can start now.", name=name)
    )
    await office.locator('header a[href="/cohorts"]').click()
    await office.locator("main").get_by_role("link", name=GROUP[lang], exact=True).click()
    await expect(office.locator("main h1")).to_have_text(GROUP[lang])
    add = office.locator('main form[action$="/people"]')
    await add.locator("#f-email").fill(email)
    await add.get_by_role("button", name=t("Add to group")).click()
    await expect(office.locator("main .flash-success")).to_have_text(
        t("%(name)s is now in this group.", name=name)
    )

    # 5. Her path now has the group's modules: she reads, then reflects.
    await teen.goto("/dashboard")
    await expect(main.locator("#waiting")).to_have_count(0)
    path_link = teen.locator('header a[href="/learn"]')
    await expect(path_link).to_have_text(t("My path"))
    await path_link.click()
    await main.get_by_role("link", name=module, exact=True).click()
    await expect(h1).to_have_text(module)
    reading = main.locator("li.activity").filter(has=teen.locator("h2", has_text=read))
    reflection = main.locator("li.activity").filter(has=teen.locator("h2", has_text=reflect))
    await reading.get_by_role("button", name=t("Mark as done")).click()
    await expect(main.locator(".flash-success")).to_have_text(
        t("Well done! This activity is complete.")
    )
    await expect(reading.locator(".badge")).to_have_text(t.label(ProgressState.DONE))
    await reflection.locator("textarea[name=body]").fill(first_text)
    await reflection.get_by_role("button", name=t("Send to my mentor")).click()
    await expect(main.locator(".flash-success")).to_have_text(
        t("Your reflection is sent. Your mentor will read it soon.")
    )
    await expect(reflection.locator(".badge").first).to_have_text(t.label(ProgressState.SUBMITTED))

    # 6. Her mentor returns it with feedback.
    desk = await phones["mentor"].new_page()
    await sign_in(desk, mentor.email)
    await expect(desk).to_have_url(path_is("/dashboard"))
    await desk.goto("/mentor/reviews")
    review = desk.locator("main li.review").filter(has_text=tag)
    await expect(review.locator("blockquote.reflection")).to_have_text(first_text)
    await review.get_by_label(t("Feedback for %(name)s", name=name)).fill(feedback)
    await review.get_by_role("button", name=t("Return for changes")).click()
    await expect(desk.locator("main .flash-success")).to_have_text(
        t("Returned with your feedback. The member is told by email.")
    )
    await expect(review).to_have_count(0)

    # 7. She reads the feedback in her email and on the module, and sends it again.
    returned = await inbox.message(email, t("Your mentor has feedback on your reflection"))
    assert feedback in inbox.text(returned)
    assert mentor.name in inbox.text(returned)
    await teen.goto(inbox.link(returned, "/learn/modules/"))
    await expect(h1).to_have_text(module)
    await expect(reflection.locator(".badge").first).to_have_text(t.label(ProgressState.RETURNED))
    await expect(reflection.locator("details")).to_have_attribute("open", "")
    await expect(reflection.locator("blockquote.feedback")).to_have_text(feedback)
    await expect(reflection.locator("blockquote.feedback")).to_be_visible()
    box = reflection.locator("textarea[name=body]")
    await expect(box).to_have_value(first_text)  # what she wrote, to change
    await axe.check(teen, "a module with a returned reflection")
    await box.fill(second_text)
    await reflection.get_by_role("button", name=t("Send again")).click()
    await expect(main.locator(".flash-success")).to_have_text(
        t("Your reflection is sent. Your mentor will read it soon.")
    )

    # 8. The mentor approves the new version.
    await desk.goto("/mentor/reviews")
    await expect(review.locator("blockquote.reflection")).to_have_text(second_text)
    await review.get_by_role("button", name=t("Approve"), exact=True).click()
    await expect(desk.locator("main .flash-success")).to_have_text(
        t("Approved. The member is told by email.")
    )

    # 9. Approved: her email says so, and the module's badge is on her pages.
    approved = await inbox.message(email, t("Your reflection was approved"))
    assert mentor.name in inbox.text(approved)
    await teen.goto("/dashboard")
    badges = main.locator("section.card").filter(has=teen.locator("h2", has_text=t("My badges")))
    await expect(badges).to_contain_text(f"★ {module}")
    await badges.get_by_role("link", name=t("See and share my badges")).click()
    await expect(teen).to_have_url(path_is("/badges"))
    await expect(h1).to_have_text(t("My badges"))
    earned = main.locator("ul.badge-list > li")
    await expect(earned).to_have_count(1)
    await expect(earned.locator("h2")).to_have_text(module)
    await axe.check(teen, "my badges")

    assert axe.problems == [], "\n".join(axe.problems)
