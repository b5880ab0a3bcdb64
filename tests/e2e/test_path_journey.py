"""From the classroom to the stage, on phones (390 px): Gabi, not yet ready, sees what is
left before she may propose; her mentor Daniel records her practice speech on the Soapbox
rubric, which finishes the public speaking module; she proposes from the speech she wrote
as a reflection; Daniel accepts it (and sees where it grew from); staff place it on the
Soapbox night, she confirms, staff release and mark it delivered; a visitor opens her
public speaker page from the lineup and finds the talk and its badge.

The live server holds the demo data (``yoc/demo.py``): Gabi (18, English, public name
agreed) is in Daniel's group "Summer 2027 Mecca & Thermal", has the "Leadership
Foundations" track and has written and had approved her "My Soapbox Speech draft"; only
the "Soapbox practice night" is left. "soapbox-night-fall-2026" (Nov 6, 2026, already
past) has 8-minute slots from 18:15, the first two taken. Tomás (staff) uses Spanish, so
his steps find elements by href, name and value."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.pages import path_is, sign_in
from yoc import demo
from yoc.curriculum.services.badges import SPEECH_TITLES
from yoc.i18n import gettext, use_language

if TYPE_CHECKING:
    from tests.e2e.conftest import DemoIds

pytestmark = pytest.mark.e2e

GABI = "gabi@demo.yoc.example"
DANIEL = "mentor.daniel@demo.yoc.example"
STAFF = "staff@demo.yoc.example"
NIGHT = "soapbox-night-fall-2026"
MODULE = "Public speaking and the Soapbox Speech"
PHONE = {"width": 390, "height": 844}


def en(message: str, **variables: object) -> str:
    with use_language("en"):
        return gettext(message, **variables)


async def no_sideways_scroll(page: Page, what: str) -> None:
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{what} scrolls sideways at 390 px: {widths}"


@pytest.fixture
async def phones(browser: Browser, live_server: str) -> AsyncIterator[dict[str, Page]]:
    contexts = {
        who: await browser.new_context(base_url=live_server, viewport=PHONE, locale="en-US")
        for who in ("gabi", "daniel", "staff", "visitor")
    }
    for ctx in contexts.values():
        ctx.set_default_timeout(10_000)
    try:
        yield {who: await ctx.new_page() for who, ctx in contexts.items()}
    finally:
        for ctx in contexts.values():
            await ctx.close()


async def test_member_goes_from_the_module_to_the_stage_and_her_speaker_page(
    phones: dict[str, Page], artifacts_dir: Path, demo_ids: DemoIds
) -> None:
    gabi, daniel, staff, visitor = (phones[k] for k in ("gabi", "daniel", "staff", "visitor"))
    person = next(p for p in demo.PEOPLE if p.email == GABI)
    assert (person.language, person.story) == ("en", "adult_speaker")
    public_name = f"{person.name.split()[0]} {person.name.split()[1][0]}."
    main = gabi.locator("main")

    # 1. Gabi wants to propose: the form tells her what is left, with a link, and has no
    # "Send for review" button yet.
    await sign_in(gabi, GABI)
    await expect(gabi).to_have_url(path_is("/dashboard"))
    await gabi.goto("/speeches/new")
    left = main.locator("#readiness ul.readiness-left a")
    await expect(main.locator("#readiness h2")).to_have_text(en("Before you send your proposal"))
    await expect(left).to_have_text([MODULE])
    await expect(main.locator('button[name="action"][value="submit"]')).to_have_count(0)
    await no_sideways_scroll(gabi, "the proposal form, not ready")
    await gabi.screenshot(path=artifacts_dir / "path-not-ready-en-390.png", full_page=True)
    await left.click()
    await expect(gabi).to_have_url(re.compile(r"/learn/modules/\d+$"))
    module_path = re.sub(r"^https?://[^/]+", "", gabi.url)
    night_item = main.locator("li.activity").filter(has_text="Soapbox practice night")
    await expect(night_item).to_contain_text(
        en(
            "Give your speech at the practice night. "
            "Your mentor marks it delivered and gives you feedback."
        )
    )

    # 2. Daniel, at the practice night, records her practice speech on the rubric, from
    # his group's progress page.
    await sign_in(daniel, DANIEL)
    await expect(daniel).to_have_url(path_is("/dashboard"))
    await daniel.goto(f"/cohorts/{demo_ids.cohort('Summer 2027 Mecca & Thermal')}/progress")
    await daniel.locator("main a", has_text="Soapbox practice night").first.click()
    await expect(daniel.locator("main h1")).to_have_text(
        en("Practice night: %(title)s", title="Soapbox practice night")
    )
    await daniel.locator("main a.button", has_text=person.name).click()
    await expect(daniel.locator("main h1")).to_have_text(
        en("Practice speech: %(name)s", name=person.name)
    )
    for criterion, score in (("clarity", "3"), ("voice", "4"), ("call_to_action", "3")):
        await daniel.locator(f"#f-{criterion}-{score}").check()
    await daniel.locator("#f-comments").fill("Strong ending. Look up from your page.")
    await no_sideways_scroll(daniel, "the practice form")
    await daniel.screenshot(path=artifacts_dir / "path-practice-form-en-390.png", full_page=True)
    await daniel.locator('main button[type="submit"]').click()
    await expect(daniel.locator("main .flash-success")).to_have_text(
        en("%(name)s's practice speech is marked delivered, with your feedback.", name=person.name)
    )

    # 3. Gabi's module is done; she starts her proposal from the speech she wrote.
    await gabi.goto(module_path)
    await expect(night_item.locator("table.rubric-table tr")).to_have_count(3)
    await expect(night_item).to_contain_text("Strong ending. Look up from your page.")
    start = main.locator('a[href^="/speeches/new?reflection="]')
    await expect(start).to_have_text(en("Start a Soapbox proposal from this reflection"))
    await start.click()
    await expect(main.locator("#readiness")).to_have_count(0)
    await expect(main.locator("#f-summary")).to_have_value(demo.GABI_DRAFT)
    form = main.locator('form[action="/speeches/new"]')
    title = "Renters speak up in Mecca"
    await form.locator("#f-title").fill(title)
    await form.locator("#f-topic").fill("Housing")
    await form.locator("#f-minutes").fill("5")
    await form.locator("#avail_date_0").fill("2026-11-06")
    await form.locator("#avail_from_0").fill("18:00")
    await form.locator("#avail_to_0").fill("20:30")
    await no_sideways_scroll(gabi, "the proposal form from a reflection")
    await gabi.screenshot(
        path=artifacts_dir / "path-proposal-from-reflection-en-390.png", full_page=True
    )
    await form.locator('button[name="action"][value="submit"]').click()
    await expect(gabi).to_have_url(re.compile(r"/speeches/\d+$"))
    speech_path = re.sub(r"^https?://[^/]+", "", gabi.url)
    speech_id = int(speech_path.rsplit("/", 1)[1])
    await expect(main.locator(".flash-success")).to_have_text(
        en("Your proposal is sent. A mentor will read it soon.")
    )

    # 4. Daniel reviews it, sees the reflection it grew from, and accepts it.
    await daniel.goto("/speeches/reviews")
    await daniel.locator(f'main a[href="/speeches/{speech_id}#review"]').click()
    grew = daniel.locator("#grew-from a")
    await expect(grew).to_have_text("My Soapbox Speech draft")
    await expect(grew).to_have_attribute("href", re.compile(r"^/mentor/reflections/\d+$"))
    review = daniel.locator(f'main form[action="/speeches/{speech_id}/review"]')
    for field in ("clarity", "voice", "call_to_action"):
        await review.locator(f"#r-{field}").select_option("4")
    await review.locator('button[name="decision"][value="accepted"]').click()
    await expect(daniel).to_have_url(path_is("/speeches/reviews"))

    # 5. Staff place it on the Soapbox night (first free slot) and the speaker confirms.
    await sign_in(staff, STAFF)
    await expect(staff).to_have_url(path_is("/dashboard"))
    board = f"/staff/events/{NIGHT}/schedule"
    await staff.goto(board)
    cell = (
        staff.locator("td.board-cell.empty")
        .filter(has=staff.locator(f'select[name="speech_id"] option[value="{speech_id}"]'))
        .first
    )
    await cell.locator('select[name="speech_id"]').select_option(str(speech_id))
    await cell.locator('button[type="submit"]').click()
    await expect(staff).to_have_url(path_is(board))
    await gabi.goto(speech_path)
    confirm = main.locator(
        f'form[action="/speeches/{speech_id}/move"]:has(input[name="to"][value="confirmed"]) '
        'button[type="submit"]'
    )
    await expect(confirm).to_have_text(en("Confirm my slot"))
    await confirm.click()
    await expect(main.locator(".flash-success")).to_have_text(
        en("Thank you! Your slot is confirmed.")
    )

    # 6. Staff release the schedule, and after the night mark the speech delivered.
    await staff.goto(f"{board}/release")
    await staff.locator("main form:not([action]) button[type='submit']").click()
    await expect(staff).to_have_url(path_is(board))
    await staff.goto(speech_path)
    await staff.locator(
        f'form[action="/speeches/{speech_id}/move"]:has(input[name="to"][value="delivered"]) '
        'button[type="submit"]'
    ).click()
    await expect(staff.locator("main span.speech-state")).to_have_class(
        re.compile(r"\bspeech-delivered\b")
    )

    # 7. A visitor finds her on the lineup and opens her speaker page.
    await visitor.goto(f"/events/{NIGHT}/lineup")
    speaker_link = visitor.locator("main a", has_text=public_name)
    await expect(speaker_link).to_have_attribute("href", re.compile(r"^/speakers/[^/]+$"))
    await speaker_link.click()
    vmain = visitor.locator("main")
    await expect(visitor.locator("main h1")).to_have_text(public_name)
    await expect(vmain).not_to_contain_text(person.name)  # never the full name
    await expect(vmain.locator("#talks")).to_contain_text(f"“{title}”")
    await expect(vmain.locator("#badges a")).to_contain_text([SPEECH_TITLES[0]])
    await expect(vmain.locator("#member-since")).to_contain_text(
        re.compile(r"^A member of YO-C since [A-Z][a-z]+ \d{1,2}, \d{4}$")
    )
    await no_sideways_scroll(visitor, "the speaker page")
    await visitor.screenshot(path=artifacts_dir / "path-speaker-page-en-390.png", full_page=True)

    # 8. Her journey on My path shows every step, with dates.
    await gabi.goto("/learn")
    steps = main.locator("#journey li.journey-step strong")
    for words in (
        "Reflection approved",
        "Practice speech delivered",
        "Module finished",
        "Proposal sent",
        "Proposal accepted",
        "Slot given",
        "Slot confirmed",
        "Speech delivered",
        "Badge earned",
    ):
        await expect(steps.filter(has_text=re.compile(f"^{words}$")).first).to_be_visible()
    await no_sideways_scroll(gabi, "My path")
    await gabi.screenshot(path=artifacts_dir / "path-my-journey-en-390.png", full_page=True)
