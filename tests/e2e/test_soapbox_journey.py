"""A member proposes a Soapbox speech on her phone, her mentor accepts it, staff place it
on the Pride board (by keyboard) and release the schedule once the speaker has confirmed
her slot; a Spanish-speaking visitor then finds it in the public lineup.

The live server holds the demo data (``yoc/demo.py``, ``yoc/soapbox/demo.py``): Ana
(15, Spanish) is in Lucía's group "Summer 2027 North Shore"; Tomás is staff (Spanish);
"ecv-pride-2027" has the stage "Youth stage" / "Escenario juvenil" with 8-minute slots
from 15:00 (the 15:10 one is taken) and a first release. The pages are in Spanish, so
elements are found by id, name, href or form action, and every text the journey asserts
is read from the Spanish catalog."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import es, spanish
from tests.e2e.pages import path_is, sign_in
from yoc import demo
from yoc.enums import Labelled
from yoc.i18n import use_language
from yoc.soapbox.enums import AccessNeed, Rubric, SpeechState

pytestmark = pytest.mark.e2e

EVENT = "ecv-pride-2027"
STAGE_ES = "Escenario juvenil"  # yoc/soapbox/demo.py: name_es of Pride's "Youth stage"
ANA = "ana@demo.yoc.example"
MENTOR = "mentor.lucia@demo.yoc.example"
STAFF = "staff@demo.yoc.example"
PHONE = {"width": 375, "height": 740}
TABLET = {"width": 1024, "height": 800}


def es_label(value: Labelled) -> str:
    with use_language("es"):
        return value.label


def spanish_label(value: Labelled) -> str:
    with use_language("en"):
        english = value.label
    translated = es_label(value)
    assert translated != english, f"no Spanish translation in the catalog for {english!r}"
    return translated


def person(email: str) -> demo.DemoPerson:
    return next(p for p in demo.PEOPLE if p.email == email)


async def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scroll)."""
    return await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


async def _context(browser: Browser, base_url: str, viewport: dict) -> BrowserContext:
    ctx = await browser.new_context(base_url=base_url, viewport=viewport, locale="es-MX")
    ctx.set_default_timeout(10_000)
    return ctx


@pytest.fixture
async def pages(browser: Browser, live_server: str) -> AsyncIterator[dict[str, Page]]:
    """One browser (its own cookies) per person: phones for Ana, Lucía and the visitor,
    a tablet for staff at the board."""
    sizes = {"ana": PHONE, "lucia": PHONE, "staff": TABLET, "visitor": PHONE}
    contexts = {who: await _context(browser, live_server, size) for who, size in sizes.items()}
    try:
        yield {who: await ctx.new_page() for who, ctx in contexts.items()}
    finally:
        for ctx in contexts.values():
            await ctx.close()


async def log_in(page: Page, email: str) -> str:
    """Log in; return the dashboard's heading, which the journey checks at its end (the
    header's links, which the journey uses, work even on an error page)."""
    await sign_in(page, email)
    await expect(page).to_have_url(path_is("/dashboard"))
    # The account's language wins over the browser's.
    await expect(page.locator("html")).to_have_attribute("lang", "es")
    return (await page.locator("main h1").inner_text()).strip()


async def test_member_proposes_mentor_accepts_staff_release_public_lineup_in_spanish(
    pages: dict[str, Page], artifacts_dir: Path
) -> None:
    ana, lucia, staff, visitor = (pages[k] for k in ("ana", "lucia", "staff", "visitor"))
    for email in (ANA, MENTOR, STAFF):
        assert person(email).language == "es"
    member = person(ANA)
    assert member.cohort == person(MENTOR).cohort
    # The demo guardian's paper form lets Ana be named by first name and last initial.
    assert member.story == "consented"
    first, last = member.name.split()
    public_name = f"{first} {last[0]}."
    assert public_name != member.name
    # The server is shared with the other journeys: a title of this run's own.
    title = f"Agua limpia para North Shore {time.time_ns() % 10**9}"
    overflow: dict[str, int] = {}
    dashboards: dict[str, str] = {}  # who logged in -> the heading she saw

    text = {
        "soapbox": es("Soapbox"),  # a name: the same in both languages
        "mine": spanish("My Soapbox Speeches"),
        "propose": spanish("Propose a speech"),
        "send": spanish("Send for review"),
        "sent": spanish("Your proposal is sent. A mentor will read it soon."),
        "submitted": spanish_label(SpeechState.SUBMITTED),
        "reviews": spanish("Speeches to review"),
        "reviewed": spanish("Your review is sent to the speaker."),
        "board": spanish("Soapbox schedule"),
        "place": spanish("Place a speech"),
        "placed": spanish(
            "“%(title)s” is on the schedule. The speaker is asked to confirm.", title=title
        ),
        "scheduled": spanish_label(SpeechState.SCHEDULED),
        "confirm": spanish("Confirm my slot"),
        "confirmed_flash": spanish("Thank you! Your slot is confirmed."),
        "confirmed": spanish_label(SpeechState.CONFIRMED),
        "release": spanish("Release the schedule"),
        "all_released": spanish("Everything on the board is released."),
        "lineup": spanish("Soapbox lineup"),
        "bilingual": spanish("Bilingual"),
    }

    # 1. Ana, on her phone, proposes a speech from the "Soapbox" link of the header.
    dashboards["Ana, before proposing"] = await log_in(ana, ANA)
    await ana.screenshot(path=artifacts_dir / "soapbox-ana-dashboard-es-375.png", full_page=True)
    main, h1 = ana.locator("main"), ana.locator("main h1")
    soapbox_link = ana.locator('header.site-header a[href="/speeches"]')
    await expect(soapbox_link).to_have_text(text["soapbox"])
    await soapbox_link.click()
    await expect(ana).to_have_url(path_is("/speeches"))
    await expect(h1).to_have_text(text["mine"])
    propose = main.locator('a[href="/speeches/new"]')
    await expect(propose).to_have_text(text["propose"])
    await propose.click()
    await expect(ana).to_have_url(path_is("/speeches/new"))
    await expect(h1).to_have_text(text["propose"])

    form = main.locator('form[action="/speeches/new"]')
    await form.locator("#f-title").fill(title)
    await form.locator("#f-topic").fill("Aire limpio")
    await form.locator("#f-summary").fill(
        "El polvo del Salton Sea y mi inhalador. Pido que todos se inscriban a las "
        "alertas de calidad del aire."
    )
    await form.locator("#f-language").select_option("bilingual")
    await form.locator("#f-minutes").fill("5")
    await form.locator('input[type="checkbox"][name="access_microphone"]').check()
    await form.locator("#avail_date_0").fill("2027-10-16")
    await form.locator("#avail_from_0").fill("14:00")
    await form.locator("#avail_to_0").fill("19:00")
    overflow["proposal form"] = await horizontal_overflow(ana)
    await ana.screenshot(path=artifacts_dir / "soapbox-proposal-form-es-375.png", full_page=True)
    send = form.locator('button[type="submit"][name="action"][value="submit"]')
    await expect(send).to_have_text(text["send"])
    await send.click()

    await expect(ana).to_have_url(re.compile(r"^https?://[^/]+/speeches/\d+$"))
    speech_path = re.sub(r"^https?://[^/]+", "", ana.url)
    speech_id = int(speech_path.rsplit("/", 1)[1])
    await expect(h1).to_have_text(title)
    await expect(main.locator(".flash-success")).to_have_text(text["sent"])
    state = main.locator("span.speech-state")
    await expect(state).to_have_text(text["submitted"])
    await expect(state).to_have_class(re.compile(r"\bspeech-submitted\b"))
    await expect(main.locator("span.lang-badge")).to_have_text(text["bilingual"])
    await expect(main).to_contain_text(es_label(AccessNeed.MICROPHONE))
    overflow["speech submitted"] = await horizontal_overflow(ana)
    await ana.screenshot(path=artifacts_dir / "soapbox-speech-submitted-es-375.png", full_page=True)
    # She logs out; she comes back once her speech has a slot.
    await ana.locator('header form[action="/logout"] button').click()

    # 2. Lucía, her mentor, reviews it from "Speeches" in the header and accepts it.
    dashboards["Lucía"] = await log_in(lucia, MENTOR)
    reviews_link = lucia.locator('header.site-header a[href="/speeches/reviews"]')
    await reviews_link.click()
    await expect(lucia).to_have_url(path_is("/speeches/reviews"))
    await expect(lucia.locator("main h1")).to_have_text(text["reviews"])
    queued = lucia.locator(f'main a[href="/speeches/{speech_id}#review"]')
    await expect(queued).to_have_text(title)
    await queued.click()
    await expect(lucia).to_have_url(path_is(speech_path))
    review = lucia.locator(f'main form[action="/speeches/{speech_id}/review"]')
    for field, score in (("clarity", "4"), ("voice", "3"), ("call_to_action", "4")):
        await expect(review.locator(f'label[for="r-{field}"]')).to_have_text(
            es_label(Rubric(field))
        )
        await review.locator(f"#r-{field}").select_option(score)
    comment = "¡Muy clara! Termina con la fecha de la próxima reunión."
    await review.locator("#r-comments").fill(comment)
    overflow["review form"] = await horizontal_overflow(lucia)
    await lucia.screenshot(path=artifacts_dir / "soapbox-review-es-375.png", full_page=True)
    accept = review.locator('button[name="decision"][value="accepted"]')
    await expect(accept).to_have_text(spanish("Accept"))
    await accept.click()
    await expect(lucia).to_have_url(path_is("/speeches/reviews"))
    await expect(lucia.locator("main .flash-success")).to_have_text(text["reviewed"])
    await expect(queued).to_have_count(0)

    # 3. Staff, on a tablet, place it on the Pride board by keyboard only.
    dashboards["staff"] = await log_in(staff, STAFF)
    board_path = f"/staff/events/{EVENT}/schedule"
    await staff.goto(board_path)
    smain = staff.locator("main")
    await expect(staff.locator("main h1")).to_have_text(text["board"])
    await expect(smain.locator(f'#waiting a[href="{speech_path}"]')).to_have_text(title)
    await expect(smain.locator("table.board thead th")).to_contain_text([STAGE_ES])

    # The first empty slot whose "Place a speech" list offers her speech.
    cell = (
        smain.locator("td.board-cell.empty")
        .filter(has=staff.locator(f'select[name="speech_id"] option[value="{speech_id}"]'))
        .first
    )
    slot_dom_id = await cell.get_attribute("id")
    assert slot_dom_id is not None and re.fullmatch(r"slot-\d+", slot_dom_id), slot_dom_id
    slot_id = slot_dom_id.removeprefix("slot-")
    starts = (await cell.locator("p.muted").first.inner_text()).split("–")[0].strip()
    place_form = cell.locator(f'form[action="/staff/events/{EVENT}/place"]')
    chooser = place_form.locator(f"select#place-{slot_id}")
    await expect(place_form.locator(f'label[for="place-{slot_id}"]')).to_have_text(text["place"])
    option_count = await chooser.locator("option").count()
    await staff.screenshot(path=artifacts_dir / "soapbox-board-before-es-1024.png", full_page=True)

    # Keyboard only: focus the list, arrow to her speech, Tab to "Place", press Enter.
    await chooser.focus()
    await expect(chooser).to_be_focused()
    await staff.keyboard.press("Home")
    for _ in range(option_count):
        if await chooser.input_value() == str(speech_id):
            break
        await staff.keyboard.press("ArrowDown")
    await expect(chooser).to_have_value(str(speech_id))
    await staff.keyboard.press("Tab")
    place_button = place_form.locator('button[type="submit"]')
    await expect(place_button).to_be_focused()
    await expect(place_button).to_have_text(spanish("Place"))
    await staff.keyboard.press("Enter")

    await expect(staff).to_have_url(path_is(board_path))
    assert staff.url.endswith(f"#slot-{slot_id}"), staff.url
    await expect(smain.locator(".flash-success")).to_have_text(text["placed"])
    placed = smain.locator(f"td#slot-{slot_id}")
    await expect(placed).to_have_class(re.compile(r"\bfilled\b"))
    await expect(placed.locator(f'a[href="{speech_path}"]')).to_have_text(title)
    await expect(placed).to_contain_text(member.name)  # staff see the full name
    await expect(placed.locator("span.speech-state")).to_have_text(text["scheduled"])
    await expect(smain.locator(f'#waiting a[href="{speech_path}"]')).to_have_count(0)
    await staff.screenshot(path=artifacts_dir / "soapbox-board-placed-es-1024.png", full_page=True)

    # Ana logs in again and confirms her slot, from "My calendar" on her Soapbox page.
    dashboards["Ana, with a slot"] = await log_in(ana, ANA)
    await ana.locator('header.site-header a[href="/speeches"]').click()
    await expect(ana).to_have_url(path_is("/speeches"))
    my_slot = main.locator("#my-slots li.slot-line").filter(has_text=title)
    await expect(my_slot).to_contain_text(STAGE_ES)
    await expect(my_slot.locator("span.speech-state")).to_have_text(text["scheduled"])
    overflow["my speeches"] = await horizontal_overflow(ana)
    await ana.screenshot(path=artifacts_dir / "soapbox-my-speeches-es-375.png", full_page=True)
    await my_slot.locator(f'a[href="{speech_path}"]').click()
    await expect(ana).to_have_url(path_is(speech_path))
    slot_card = main.locator("section#slot")
    await expect(slot_card.locator("h2")).to_have_text(spanish("Your slot"))
    await expect(slot_card).to_contain_text(STAGE_ES)
    await expect(slot_card.locator("p.lead")).to_contain_text(starts)
    confirm = main.locator(
        f'form[action="/speeches/{speech_id}/move"]:has(input[name="to"][value="confirmed"]) '
        'button[type="submit"]'
    )
    await expect(confirm).to_have_text(text["confirm"])
    overflow["speech scheduled"] = await horizontal_overflow(ana)
    await ana.screenshot(path=artifacts_dir / "soapbox-speech-scheduled-es-375.png", full_page=True)
    await confirm.click()
    await expect(ana).to_have_url(path_is(speech_path))
    await expect(main.locator(".flash-success")).to_have_text(text["confirmed_flash"])
    await expect(state).to_have_text(text["confirmed"])
    await expect(slot_card).to_contain_text(
        spanish("Confirmed. Arrive 20 minutes early and find the stage manager.")
    )

    # Staff preview the release, see her speech in it, and publish.
    await staff.reload()
    await expect(placed.locator("span.speech-state")).to_have_text(text["confirmed"])
    release_link = smain.locator(f'a[href="{board_path}/release"]')
    await expect(release_link).to_have_text(spanish("Preview and release"))
    await release_link.click()
    await expect(staff).to_have_url(path_is(f"{board_path}/release"))
    await expect(staff.locator("main h1")).to_have_text(text["release"])
    change = smain.locator("ul.change-list > li").filter(has_text=title)
    await expect(change).to_have_count(1)
    await expect(change).to_have_class(re.compile(r"\bchange-added\b"))
    await expect(change).to_contain_text(STAGE_ES)
    await expect(change).to_contain_text(member.name)
    publish = smain.locator("form:not([action]) button[type='submit']")
    publish_text = await publish.inner_text()
    pattern = re.escape(es("Publish release %(number)d", number=999)).replace("999", r"(\d+)")
    found = re.fullmatch(pattern, publish_text.strip())
    assert found, publish_text
    number = int(found.group(1))
    await staff.screenshot(
        path=artifacts_dir / "soapbox-release-preview-es-1024.png", full_page=True
    )
    await publish.click()
    await expect(staff).to_have_url(path_is(board_path))
    await expect(smain.locator(".flash-success")).to_have_text(
        spanish("Release %(number)d is published.", number=number)
    )
    await expect(smain.locator("section.release-bar")).to_contain_text(text["all_released"])

    # 4. A visitor whose phone is in Spanish opens the public lineup.
    response = await visitor.goto(f"/events/{EVENT}/lineup")
    assert response is not None and response.status == 200
    if await visitor.locator("html").get_attribute("lang") != "es":
        switcher = visitor.locator('header form.language-switcher[action="/language"]')
        await switcher.locator('button[name="lang"][value="es"]').click()
    await expect(visitor.locator("html")).to_have_attribute("lang", "es")
    vmain = visitor.locator("main")
    await expect(visitor.locator("main h1")).to_have_text(text["lineup"])
    stage = vmain.locator("section.lineup-stage").filter(
        has=visitor.locator("h2", has_text=STAGE_ES)
    )
    await expect(stage).to_have_count(1)
    item = stage.locator("li.lineup-item").filter(has_text=title)
    await expect(item).to_have_count(1)
    await expect(item.locator("p.lineup-title")).to_have_text(f"“{title}”")
    await expect(item.locator("p.nowrap strong")).to_have_text(starts)  # as on the board
    await expect(item).to_contain_text(public_name)
    await expect(item.locator("span.lang-badge")).to_have_text(text["bilingual"])
    await expect(vmain).not_to_contain_text(member.name)
    overflow["lineup"] = await horizontal_overflow(visitor)
    await visitor.screenshot(path=artifacts_dir / "soapbox-lineup-es-375.png", full_page=True)

    # Nothing scrolls sideways on a phone.
    assert overflow == dict.fromkeys(overflow, 0)
    # Everyone landed on her own dashboard after logging in (not on an error page).
    greetings = {
        "Ana, before proposing": es("Hi, %(name)s", name=member.name),
        "Lucía": es("Hi, %(name)s", name=person(MENTOR).name),
        "staff": es("Hi, %(name)s", name=person(STAFF).name),
        "Ana, with a slot": es("Hi, %(name)s", name=member.name),
    }
    assert dashboards == greetings
