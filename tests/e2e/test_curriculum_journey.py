"""A mentor assigns a module to her group on a phone; a member writes a reflection in
Spanish; the mentor approves it; the member's dashboard shows the progress.

The live server holds the demo data (``yoc/demo.py``): Lucía mentors "Summer 2027 North
Shore" (Ana, Beto, Cami), which already has the whole "Leadership Foundations" track. The
"Policy and Advocacy" module "Restorative justice circles" (no prerequisites) is not given
to that group yet; its activities are an attendance one and a reflection.

Lucía and Ana both use the site in Spanish, so elements are found by href, id, name or
value, and every text the journey asserts is read from the Spanish catalog (refusing a
message the catalog leaves in English)."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.pages import path_is, sign_in
from yoc import demo
from yoc.curriculum import starter
from yoc.curriculum.enums import ActivityKind, Completion, ProgressState
from yoc.enums import Labelled
from yoc.i18n import format_date, gettext, use_language
from yoc.members.services.profiles import today

if TYPE_CHECKING:
    from tests.e2e.conftest import DemoIds

pytestmark = pytest.mark.e2e

MENTOR = "mentor.lucia@demo.yoc.example"
ANA = "ana@demo.yoc.example"
COHORT = "Summer 2027 North Shore"
TRACK = "Policy and Advocacy"
MODULE = "Restorative justice circles"


def spanish(message: str, **variables: object) -> str:
    """The Spanish text of ``message`` from the catalog, refusing a missing translation:
    proof that the page really is in Spanish."""
    with use_language("en"):
        english = gettext(message, **variables)
    with use_language("es"):
        translated = gettext(message, **variables)
    assert translated != english, f"no Spanish translation in the catalog for {message!r}"
    return translated


def spanish_label(value: Labelled) -> str:
    with use_language("en"):
        english = value.label
    with use_language("es"):
        translated = value.label
    assert translated != english, f"no Spanish label for {value!r}"
    return translated


def person(email: str) -> demo.DemoPerson:
    return next(p for p in demo.PEOPLE if p.email == email)


class Curriculum:
    """Ids and titles of the seeded curriculum, read (read-only) from the server's database."""

    def __init__(self, database: Path) -> None:
        self._uri = f"{database.as_uri()}?mode=ro"

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(self._uri, uri=True)) as db:
            return db.execute(sql, params).fetchall()

    def module(self, track_title: str, module_title: str) -> tuple[int, str, str]:
        """(id, title_es, track title_es)."""
        found = self.rows(
            "SELECT m.id, m.title_es, t.title_es FROM modules m JOIN tracks t ON t.id = m.track_id"
            " WHERE t.title_en = ? AND m.title_en = ?",
            track_title,
            module_title,
        )
        assert len(found) == 1, f"{module_title!r} is not once in the e2e database"
        return found[0]

    def activities(self, module_id: int) -> list[tuple[int, str, str, str]]:
        """(id, completion, title_es, prompt_es) in order."""
        return self.rows(
            "SELECT id, completion, title_es, prompt_es FROM activities"
            " WHERE module_id = ? AND retired_at IS NULL ORDER BY position, id",
            module_id,
        )

    def assigned(self, member_id: int, module_id: int) -> bool:
        return bool(
            self.rows(
                "SELECT 1 FROM assignments WHERE member_id = ? AND module_id = ?",
                member_id,
                module_id,
            )
        )


@pytest.fixture
def curriculum(live_server: str, e2e_database: Path) -> Curriculum:
    return Curriculum(e2e_database)


@contextlib.asynccontextmanager
async def phone(browser: Browser, base_url: str) -> AsyncIterator[BrowserContext]:
    """Another phone-sized browser, with cookies of its own (like conftest's ``context``)."""
    ctx = await browser.new_context(
        base_url=base_url, viewport={"width": 360, "height": 740}, locale="es-MX"
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        await ctx.close()


async def log_in(page: Page, email: str, name: str) -> None:
    await sign_in(page, email)
    await expect(page).to_have_url(path_is("/dashboard"))
    await expect(page.locator("html")).to_have_attribute("lang", "es")
    await expect(page.locator("main h1")).to_have_text(spanish("Hi, %(name)s", name=name))


async def no_sideways_scroll(page: Page, what: str) -> None:
    """At 360 px the page itself must not scroll sideways (wide tables scroll in a box)."""
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{what} scrolls sideways at 360 px: {widths}"


async def test_mentor_assigns_member_reflects_mentor_approves(
    page: Page,
    browser: Browser,
    live_server: str,
    demo_ids: DemoIds,
    curriculum: Curriculum,
    artifacts_dir: Path,
) -> None:
    lucia, ana = person(MENTOR), person(ANA)
    assert lucia.language == "es" and ana.language == "es" and ana.cohort == lucia.cohort
    cohort_id, ana_id = demo_ids.cohort(COHORT), demo_ids.user(ANA)

    module_id, module_title, track_title = curriculum.module(TRACK, MODULE)
    starter_module = next(
        m for t in starter.TRACKS if t[0] == TRACK for m in t[4] if m[0] == MODULE
    )
    assert module_title == starter_module[1] == "Círculos de justicia restaurativa"
    assert starter_module[5] == []  # no prerequisites: Ana can start right away
    (
        (circle_id, circle_completion, circle_title, _),
        (
            reflect_id,
            reflect_completion,
            reflect_title,
            reflect_prompt,
        ),
    ) = curriculum.activities(module_id)
    assert circle_completion == Completion.ATTENDANCE and circle_title == "Participa en un círculo"
    assert reflect_completion == Completion.REFLECTION
    assert reflect_title == "Qué cambiaría en mi escuela"
    assert not curriculum.assigned(ana_id, module_id), "the demo already gave Ana this module"

    due_on = today() + timedelta(days=14)
    with use_language("es"):
        due_text = format_date(due_on)
    tag = uuid.uuid4().hex[:8]
    reflection = (
        "En mi escuela, en lugar de suspender a mis compañeros, nos sentaríamos en círculo "
        f"para escucharnos y reparar el daño. Así nadie perdería clases. ({tag})"
    )
    feedback = f"¡Qué idea tan clara, Ana! Llévala a la junta escolar. ({tag})"

    # Every Spanish text the journey expects, read from the catalog first.
    es = {
        "progress_of": spanish("Progress of %(name)s", name=COHORT),
        "assign_here": spanish("Assign to this group"),
        "assign_title": spanish("Assign a module or a track"),
        "assigned": spanish("Assigned. Members see it on their dashboard."),
        "to_review": spanish("Reflections to review"),
        "due_next": spanish("Due next"),
        "due": spanish("due %(date)s", date=due_text),
        "module_due": spanish("Due %(date)s", date=due_text),
        "none_done": spanish("%(done)s of %(total)s activities", done=0, total=2),
        "my_path": spanish("My path"),
        "my_reflection": spanish("My reflection"),
        "send": spanish("Send to my mentor"),
        "sent": spanish("Your reflection is sent. Your mentor will read it soon."),
        "attendance_hint": spanish("Your mentor records this when you attend."),
        "feedback_for": spanish("Feedback for %(name)s", name=ana.name),
        "approve": spanish("Approve"),
        "approved_flash": spanish("Approved. The member is told by email."),
        "history": spanish("History"),
        "recent_feedback": spanish("Recent feedback"),
        "half_done": spanish("%(pct)s%% done", pct=50),
        "waiting": spanish_label(ProgressState.SUBMITTED),
        "approved": spanish_label(ProgressState.APPROVED),
        "not_started": spanish_label(ProgressState.NOT_STARTED),
        "reflect_kind": spanish_label(ActivityKind.REFLECT),
    }
    assert es["waiting"] == spanish("waiting for review")
    assert es["approved"] == spanish("approved")

    h1 = page.locator("main h1")
    main = page.locator("main")

    # 1. Lucía opens her group's progress grid and assigns the module from there.
    await log_in(page, MENTOR, lucia.name)
    await page.goto(f"/cohorts/{cohort_id}/progress")
    await expect(h1).to_have_text(es["progress_of"])
    grid = main.locator("table.grid-table")
    columns = grid.locator("thead th[scope=col]")
    before = await columns.count()
    assert before >= 2  # "Member" and the Leadership Foundations modules
    await expect(grid.locator(f'thead th[title="{module_title}"]')).to_have_count(0)

    assign_link = main.locator(f'a[href="/assign?target=cohort:{cohort_id}"]')
    await expect(assign_link).to_have_text(es["assign_here"])
    await assign_link.click()
    await expect(page).to_have_url(path_is("/assign"))
    await expect(h1).to_have_text(es["assign_title"])
    form = main.locator('form[action="/assign"]')
    target = form.locator('select[name="target"]')
    await expect(target).to_have_value(f"cohort:{cohort_id}")  # preset by the link
    await target.select_option(f"cohort:{cohort_id}")
    what = form.locator('select[name="what"]')
    await expect(what.locator(f'option[value="module:{module_id}"]')).to_have_text(module_title)
    await what.select_option(f"module:{module_id}")
    await form.locator('input[name="due_on"]').fill(due_on.isoformat())
    await page.screenshot(path=artifacts_dir / "curriculum-assign-es-360.png", full_page=True)
    await form.locator('button[type="submit"]').click()

    # She lands on the grid, which now has a column for the module.
    await expect(page).to_have_url(path_is(f"/cohorts/{cohort_id}/progress"))
    await expect(main.locator(".flash-success")).to_have_text(es["assigned"])
    await expect(columns).to_have_count(before + 1)
    new_column = grid.locator(f'thead th[title="{module_title}"]')
    await expect(new_column).to_have_count(1)
    number = before  # the column headers were "Member" and the modules, numbered from 1
    await expect(new_column).to_have_text(f"{number}. {module_title}")
    ana_row = grid.locator("tbody tr").filter(has=page.locator(f'th a[href="/members/{ana_id}"]'))
    await expect(ana_row).to_have_count(1)
    ana_cell = ana_row.locator("td").nth(number - 1).locator("[data-cell]")
    await expect(ana_cell).to_have_attribute("data-cell", "not_started")
    await expect(ana_cell).to_have_attribute("title", es["not_started"])
    assert curriculum.assigned(ana_id, module_id)
    await page.screenshot(path=artifacts_dir / "curriculum-grid-es-360.png", full_page=True)
    await no_sideways_scroll(page, "the progress grid")

    # 2. Ana, on her own phone, finds the module on her dashboard.
    async with phone(browser, live_server) as ana_context:
        ana_page = await ana_context.new_page()
        ana_main = ana_page.locator("main")
        await log_in(ana_page, ANA, ana.name)
        cards = ana_main.locator("section.card")
        due_next = cards.filter(has=ana_page.locator("h2", has_text=es["due_next"]))
        await expect(due_next).to_have_count(1)
        module_href = f'a[href="/learn/modules/{module_id}"]'
        module_link = due_next.locator(module_href)
        await expect(module_link).to_have_text(module_title)
        entry = due_next.locator("p.due").filter(has=ana_page.locator(module_href))
        await expect(entry).to_contain_text(es["due"])
        await expect(entry).to_contain_text(es["none_done"])
        await expect(entry).not_to_have_class(re.compile(r"\boverdue\b"))
        path = cards.filter(has=ana_page.locator("h2", has_text=es["my_path"]))
        bar = path.locator(f'progress.bar[aria-label="{track_title}"]')
        await expect(bar).to_have_attribute("value", "0")

        await module_link.click()
        await expect(ana_page).to_have_url(path_is(f"/learn/modules/{module_id}"))
        await expect(ana_page.locator("main h1")).to_have_text(module_title)
        await expect(ana_main).to_contain_text(es["module_due"])
        circle = ana_main.locator(f"li#activity-{circle_id}")
        await expect(circle.locator("h2")).to_have_text(circle_title)
        await expect(circle.locator(".state-badge-not_started")).to_have_text(es["not_started"])
        await expect(circle).to_contain_text(es["attendance_hint"])
        await expect(circle.locator("form")).to_have_count(0)

        activity = ana_main.locator(f"li#activity-{reflect_id}")
        await expect(activity.locator("h2")).to_have_text(reflect_title)
        await expect(activity.locator("p.prompt")).to_have_text(reflect_prompt)
        await expect(activity).to_contain_text(es["reflect_kind"])
        reflect_form = activity.locator(f'form[action="/learn/activities/{reflect_id}/reflection"]')
        await expect(reflect_form.locator(f'label[for="body-{reflect_id}"]')).to_have_text(
            es["my_reflection"]
        )
        await reflect_form.locator(f'textarea#body-{reflect_id}[name="body"]').fill(reflection)
        send = reflect_form.locator('button[type="submit"]')
        await expect(send).to_have_text(es["send"])
        await send.click()

        await expect(ana_page).to_have_url(path_is(f"/learn/modules/{module_id}"))
        assert ana_page.url.endswith(f"#activity-{reflect_id}")
        await expect(ana_main.locator(".flash-success")).to_have_text(es["sent"])
        await expect(activity).to_have_class(re.compile(r"\bstate-submitted\b"))
        await expect(activity.locator(".state-badge-submitted")).to_have_text(es["waiting"])
        await expect(activity.locator("form")).to_have_count(0)  # nothing to send twice
        await expect(activity.locator("blockquote.reflection")).to_have_text(reflection)

        # Before the review her path in the track has not moved.
        await ana_page.goto("/dashboard")
        await expect(bar).to_have_attribute("value", "0")
        value_before = int(await bar.get_attribute("value") or "0")

        # 3. Lucía sees the reflection waiting, in the grid and in her review queue.
        await page.reload()
        await expect(ana_cell).to_have_attribute("data-cell", "review")
        await expect(ana_cell).to_have_attribute("title", es["waiting"])
        reviews_link = main.locator('p.button-row a[href="/mentor/reviews"]')
        await expect(reviews_link).to_have_text(es["to_review"])
        await reviews_link.click()
        await expect(page).to_have_url(path_is("/mentor/reviews"))
        await expect(h1).to_have_text(es["to_review"])
        item = main.locator("li.review").filter(
            has=page.locator("blockquote.reflection", has_text=tag)
        )
        await expect(item).to_have_count(1)
        await expect(item).to_have_attribute("id", re.compile(r"^review-\d+$"))
        item_id = await item.get_attribute("id")
        item = main.locator(f"li#{item_id}")
        await expect(item.locator(f'a[href="/members/{ana_id}"]')).to_have_text(ana.name)
        await expect(item).to_contain_text(f"{module_title} › {reflect_title}")
        await expect(item.locator("blockquote.reflection")).to_have_text(reflection)
        review_form = item.locator(
            f'form[action="/mentor/reviews/{item_id.removeprefix("review-")}"]'
        )
        feedback_box = review_form.locator('textarea[name="feedback"]')
        label_for = await feedback_box.get_attribute("id")
        await expect(review_form.locator(f'label[for="{label_for}"]')).to_contain_text(
            es["feedback_for"]
        )
        await feedback_box.fill(feedback)
        approve = review_form.locator('button[name="decision"][value="approve"]')
        await expect(approve).to_have_text(es["approve"])
        await approve.click()
        await expect(page).to_have_url(path_is("/mentor/reviews"))
        await expect(main.locator(".flash-success")).to_have_text(es["approved_flash"])
        await expect(main.locator(f"li#{item_id}")).to_have_count(0)
        await expect(main).not_to_contain_text(tag)

        # 4. Ana reloads her module: approved, with Lucía's feedback in the history.
        await ana_page.goto(f"/learn/modules/{module_id}")
        await expect(activity).to_have_class(re.compile(r"\bstate-approved\b"))
        await expect(activity.locator(".state-badge-approved")).to_have_text(es["approved"])
        history = activity.locator("details")
        summary = history.locator("summary")
        await expect(summary).to_have_text(es["history"])
        await summary.click()
        await expect(history).to_have_attribute("open", "")
        events = history.locator("ol.history > li")
        await expect(events).to_have_count(2)
        await expect(events.nth(0)).to_contain_text(ana.name)
        await expect(events.nth(0)).to_contain_text(es["waiting"])
        await expect(events.nth(0).locator("blockquote.reflection")).to_have_text(reflection)
        await expect(events.nth(1)).to_contain_text(lucia.name)
        await expect(events.nth(1)).to_contain_text(es["approved"])
        await expect(events.nth(1).locator("blockquote.feedback")).to_have_text(feedback)
        await expect(events.nth(1).locator("blockquote.feedback")).to_be_visible()
        await ana_page.screenshot(
            path=artifacts_dir / "curriculum-member-module-es-360.png", full_page=True
        )
        await no_sideways_scroll(ana_page, "the member's module page")

        # Her dashboard: the track's bar moved, and the feedback is there.
        await ana_page.goto("/dashboard")
        await expect(bar).to_have_attribute("value", "50")  # 1 of the module's 2 activities
        value_after = int(await bar.get_attribute("value") or "0")
        assert value_after > value_before
        await expect(path).to_contain_text(es["half_done"])
        await expect(entry).to_contain_text(
            spanish("%(done)s of %(total)s activities", done=1, total=2)
        )
        recent = cards.filter(has=ana_page.locator("h2", has_text=es["recent_feedback"]))
        await expect(recent).to_have_count(1)
        note = recent.locator("article.note").filter(has_text=tag)
        await expect(note).to_have_count(1)
        await expect(note.locator("p").nth(1)).to_have_text(feedback)
        await expect(note.locator("p.muted")).to_have_text(
            f"{lucia.name} · {reflect_title} · {es['approved']}"
        )
        # The newest feedback comes first.
        await expect(recent.locator("article.note").first).to_contain_text(tag)
        await ana_page.screenshot(
            path=artifacts_dir / "curriculum-member-dashboard-es-360.png", full_page=True
        )
        await no_sideways_scroll(ana_page, "the member's dashboard")

    # Lucía's grid: Ana is under way in the module (one of two activities finished).
    await page.goto(f"/cohorts/{cohort_id}/progress")
    await expect(ana_cell).to_have_attribute("data-cell", "in_progress")
