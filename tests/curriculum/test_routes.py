"""The curriculum's pages and forms (yoc.curriculum.routes and staff_routes): what the
module page offers, the mentor's attendance and review forms, and the staff editor:
where each form sends you, what it stores, and how it refuses bad input.

(Who may open which page or post which form is in test_permissions.py.)
"""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.curriculum.conftest import spanish, states
from tests.curriculum.factories import (
    give,
    make_activity,
    make_module,
    make_path,
    make_track,
    reflection_for,
)
from tests.factories import PASSWORD
from yoc.accounts.models import User
from yoc.curriculum.enums import ActivityKind, Completion, ProgressState
from yoc.curriculum.models import Activity, ActivityProgress, Module, ProgressEvent, Track
from yoc.curriculum.services import progress
from yoc.mail import OutboxMessage

S = ProgressState


# The module page -----------------------------------------------------------------------


async def test_locked_module_page_says_what_opens_it_and_offers_no_actions(client, group) -> None:
    path = await make_path(group.member)
    await log_in(client, "itzel@example.org", PASSWORD)

    page = await client.get(f"/learn/modules/{path.advanced.id}")
    refused = await client.post(
        f"/learn/activities/{path.advanced_activity.id}/done",
        data={"module": str(path.advanced.id), "csrf_token": csrf_from(page.text)},
    )

    assert page.status_code == 200
    assert "This module opens when you finish:" in page.text
    assert "<li>Basics</li>" in page.text
    assert f'action="/learn/activities/{path.advanced_activity.id}/done"' not in page.text
    assert refused.status_code == 409
    assert "Finish the modules this one builds on first." in refused.text
    assert await ActivityProgress.all().count() == 0


async def test_module_page_opens_once_the_prerequisite_is_done(client, group) -> None:
    path = await make_path(group.member)
    await progress.mark_done(group.member, path.basics_activity.id)
    await log_in(client, "itzel@example.org", PASSWORD)

    page = await client.get(f"/learn/modules/{path.advanced.id}")
    response = await client.post(
        f"/learn/activities/{path.advanced_activity.id}/done",
        data={"module": str(path.advanced.id), "csrf_token": csrf_from(page.text)},
    )

    assert "This module opens when you finish:" not in page.text
    assert f'action="/learn/activities/{path.advanced_activity.id}/done"' in page.text
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/learn/modules/{path.advanced.id}#activity-{path.advanced_activity.id}"
    )
    assert (await states(group.member))[path.advanced_activity.id] == S.DONE


# The mentor's attendance and review forms ----------------------------------------------


async def test_attendance_page_post_marks_the_members_who_came(client, group) -> None:
    module = await make_module(await make_track())
    workshop = await make_activity(module, "Workshop", "Taller", completion=Completion.ATTENDANCE)
    await give(group.member, module)
    await log_in(client, "lucia@example.org", PASSWORD)
    page = f"/cohorts/{group.cohort.id}/attendance/{workshop.id}"

    response = await post_form(client, page, {"member_ids": str(group.member.id)})

    assert response.status_code == 303
    assert response.headers["location"] == f"/cohorts/{group.cohort.id}/progress"
    assert await states(group.member) == {workshop.id: S.DONE}


async def test_mentor_returns_a_reflection_through_the_review_page(client, group) -> None:
    activity = await reflection_for(group.member)
    row = await progress.submit_reflection(group.member, activity.id, "My text.")
    await log_in(client, "lucia@example.org", PASSWORD)

    response = await post_form(
        client,
        "/mentor/reviews",
        {"decision": "return", "feedback": "One example, please."},
        action=f"/mentor/reviews/{row.id}",
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/mentor/reviews"
    assert (await ActivityProgress.get(id=row.id)).state == S.RETURNED
    assert await OutboxMessage.filter(to_email="itzel@example.org").count() == 1


async def test_review_page_refuses_a_return_without_feedback_and_says_why(client, group) -> None:
    activity = await reflection_for(group.member)
    row = await progress.submit_reflection(group.member, activity.id, "My text.")
    await log_in(client, "lucia@example.org", PASSWORD)

    response = await post_form(
        client,
        "/mentor/reviews",
        {"decision": "return", "feedback": ""},
        action=f"/mentor/reviews/{row.id}",
    )

    assert response.status_code == 422
    assert "Tell the member what to change." in response.text
    assert (await ActivityProgress.get(id=row.id)).state == S.SUBMITTED


# The staff curriculum editor -----------------------------------------------------------


@pytest.fixture
async def staff_client(client, group) -> httpx.AsyncClient:
    await log_in(client, "sam@example.org", PASSWORD)
    return client


async def test_editor_refuses_circular_prerequisites_with_a_field_error(client, group) -> None:
    track = await make_track()
    basics = await make_module(track, "Basics", "Lo básico")
    advanced = await make_module(track, "Advanced", "Avanzado", prerequisites=[basics])
    await log_in(client, "sam@example.org", PASSWORD)

    response = await post_form(
        client,
        f"/staff/curriculum/modules/{basics.id}",
        {"title_en": "Basics", "title_es": "Lo básico", "prerequisite_ids": str(advanced.id)},
    )

    assert response.status_code == 422
    assert (
        "These prerequisites would make a circle: a module cannot require itself." in response.text
    )
    assert await basics.prerequisites.all().count() == 0


async def test_the_editors_prerequisites_are_in_the_staff_members_language(client, group) -> None:
    track = await make_track("Speak Up", "Alza la voz")
    basics = await make_module(track, "Basics", "Lo básico")
    advanced = await make_module(track, "Advanced", "Avanzado", prerequisites=[basics])
    await User.filter(id=group.staff.id).update(language="es")
    await log_in(client, "sam@example.org", PASSWORD)

    editor = await client.get("/staff/curriculum")
    page = await client.get(f"/staff/curriculum/modules/{advanced.id}")

    choices = re.search(r'<select id="f-prerequisite_ids"[^>]*>(.*?)</select>', page.text, re.S)
    assert re.findall(r"<option[^>]*>(.*?)</option>", choices.group(1)) == ["Lo básico"]
    assert f'<option value="{basics.id}" selected>' in choices.group(1)
    crumb = re.search(r'<p class="muted"><a href="/staff/curriculum">.*?</p>', page.text).group(0)
    assert "Alza la voz" in crumb and "Speak Up" not in crumb
    assert html.unescape(spanish("needs: %(titles)s") % {"titles": "Lo básico"}) in html.unescape(
        editor.text
    )


async def test_staff_title_edit_through_the_editor_keeps_the_history(client, group) -> None:
    module = await make_module(await make_track())
    activity = await make_activity(module, "Read the guide", "Lee la guía")
    await give(group.member, module)
    await progress.mark_done(group.member, activity.id)
    await log_in(client, "sam@example.org", PASSWORD)

    response = await post_form(
        client,
        f"/staff/curriculum/activities/{activity.id}",
        {
            "title_en": "Read the new guide",
            "title_es": "Lee la nueva guía",
            "kind": "read",
            "completion": "self",
        },
    )

    assert response.status_code == 303
    assert await ProgressEvent.all().values_list("activity_title", flat=True) == ["Read the guide"]


async def test_staff_build_a_track_with_a_module_and_a_bilingual_activity(staff_client) -> None:
    client = staff_client

    created = await post_form(
        client,
        "/staff/curriculum",
        {"title_en": "Speak Up", "title_es": "Alza la voz", "summary_en": "Voice"},
        action="/staff/curriculum/tracks",
    )
    track = await Track.get()
    added = await post_form(
        client,
        f"/staff/curriculum/tracks/{track.id}",
        {"add": "module", "title_en": "Basics", "title_es": "Lo básico"},
    )
    module = await Module.get()
    activity_added = await post_form(
        client,
        f"/staff/curriculum/modules/{module.id}",
        {
            "add": "activity",
            "title_en": "Write your story",
            "title_es": "Escribe tu historia",
            "prompt_en": "Who are you?",
            "prompt_es": "¿Quién eres?",
            "kind": "reflect",
            "completion": "reflection",
        },
    )
    editor = await client.get("/staff/curriculum")

    assert (created.status_code, created.headers["location"]) == (
        303,
        f"/staff/curriculum/tracks/{track.id}",
    )
    assert (track.title_en, track.title_es, track.summary_en) == (
        "Speak Up",
        "Alza la voz",
        "Voice",
    )
    assert (added.status_code, added.headers["location"]) == (
        303,
        f"/staff/curriculum/modules/{module.id}",
    )
    assert (module.track_id, module.title_en, module.title_es) == (track.id, "Basics", "Lo básico")
    assert (activity_added.status_code, activity_added.headers["location"]) == (
        303,
        f"/staff/curriculum/modules/{module.id}",
    )
    assert await Activity.all().values_list(
        "module_id", "title_en", "title_es", "prompt_en", "prompt_es", "kind", "completion"
    ) == [
        (
            module.id,
            "Write your story",
            "Escribe tu historia",
            "Who are you?",
            "¿Quién eres?",
            ActivityKind.REFLECT,
            Completion.REFLECTION,
        )
    ]
    assert "Speak Up / Alza la voz" in editor.text
    assert "1 activity" in editor.text


@pytest.mark.parametrize("kind", ["track", "module", "activity"])
async def test_editor_edit_forms_start_with_the_stored_texts(staff_client, kind) -> None:
    track = await make_track("Speak Up", "Alza la voz")
    module = await make_module(track, "Basics", "Lo básico")
    activity = await make_activity(module, "Read the guide", "Lee la guía")
    path, title_en, title_es = {
        "track": (f"/staff/curriculum/tracks/{track.id}", "Speak Up", "Alza la voz"),
        "module": (f"/staff/curriculum/modules/{module.id}", "Basics", "Lo básico"),
        "activity": (
            f"/staff/curriculum/activities/{activity.id}",
            "Read the guide",
            "Lee la guía",
        ),
    }[kind]

    response = await staff_client.get(path)

    assert response.status_code == 200
    assert f'name="title_en" type="text" value="{title_en}"' in response.text
    assert f'name="title_es" type="text" value="{title_es}"' in response.text


async def activity_order(module: Module) -> list[str]:
    return (
        await Activity.filter(module=module)
        .order_by("position", "id")
        .values_list("title_en", flat=True)
    )


async def arrange(
    client: httpx.AsyncClient, module: Module, activity: Activity, action: str
) -> httpx.Response:
    back = f"/staff/curriculum/modules/{module.id}"
    return await post_form(
        client,
        back,
        {"action": action, "back": back},
        action=f"/staff/curriculum/activity/{activity.id}/arrange",
    )


async def test_staff_move_activities_up_and_down(staff_client) -> None:
    module = await make_module(await make_track())
    first = await make_activity(module, "First", "Primera")
    await make_activity(module, "Second", "Segunda")
    third = await make_activity(module, "Third", "Tercera")

    down = await arrange(staff_client, module, first, "down")
    after_down = await activity_order(module)
    up = await arrange(staff_client, module, third, "up")
    top = await arrange(staff_client, module, (await Activity.get(title_en="Second")), "up")

    assert (down.status_code, down.headers["location"]) == (
        303,
        f"/staff/curriculum/modules/{module.id}",
    )
    assert after_down == ["Second", "First", "Third"]
    assert up.status_code == 303
    assert top.status_code == 303
    assert await activity_order(module) == ["Second", "Third", "First"]


async def page_as(app, email: str, path: str) -> str:
    """The page as someone else sees it, in their own browser."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as browser:
        await log_in(browser, email, PASSWORD)
        response = await browser.get(path)
        assert response.status_code == 200
        return response.text


async def test_staff_retire_and_restore_an_activity(app, staff_client, group) -> None:
    module = await make_module(await make_track())
    await make_activity(module, "Keep", "Guardar")
    old = await make_activity(module, "Old reading", "Lectura vieja")
    await give(group.member, module)
    member_page = f"/learn/modules/{module.id}"

    retired = await arrange(staff_client, module, old, "retire")
    member_sees_while_retired = await page_as(app, "itzel@example.org", member_page)
    editor_while_retired = await staff_client.get(f"/staff/curriculum/modules/{module.id}")
    restored = await arrange(staff_client, module, old, "restore")
    member_sees_after = await page_as(app, "itzel@example.org", member_page)

    assert (retired.status_code, restored.status_code) == (303, 303)
    assert "Keep" in member_sees_while_retired
    assert "Old reading" not in member_sees_while_retired
    # Staff still see it in the editor, marked retired, so they can restore it.
    assert (
        f'<li class="editor-row retired"><a href="/staff/curriculum/activities/{old.id}">'
        in editor_while_retired.text
    )
    assert "Old reading" in member_sees_after
    assert (await Activity.get(id=old.id)).retired_at is None


async def catalog_texts() -> list[list[tuple]]:
    return [
        await model.all().order_by("id").values_list("title_en", "title_es", "retired_at")
        for model in (Track, Module, Activity)
    ]


@pytest.mark.parametrize(
    ("page", "action", "data", "untouched"),
    [
        (
            "/staff/curriculum",
            "/staff/curriculum/tracks",
            {"title_en": "Speak Up", "title_es": "", "summary_en": "Our voice"},
            None,
        ),
        (
            "/staff/curriculum/tracks/{track}",
            None,
            {"add": "module", "title_en": "Basics", "title_es": "  ", "summary_en": "Our voice"},
            ("Existing", "Existente"),
        ),
        (
            "/staff/curriculum/modules/{module}",
            None,
            {
                "add": "activity",
                "title_en": "Write your story",
                "title_es": "",
                "prompt_en": "Our voice",
                "kind": "reflect",
                "completion": "reflection",
            },
            ("Existing module", "Módulo existente"),
        ),
        (
            "/staff/curriculum/tracks/{track}",
            None,
            {"title_en": "Speak Out", "title_es": "", "summary_en": "Our voice"},
            None,
        ),
        (
            "/staff/curriculum/modules/{module}",
            None,
            {"title_en": "Basics again", "title_es": "", "summary_en": "Our voice"},
            None,
        ),
    ],
    ids=["new track", "new module", "new activity", "track edit", "module edit"],
)
async def test_editor_refuses_an_empty_spanish_title_and_keeps_what_was_typed(
    staff_client, page, action, data, untouched
) -> None:
    track = await make_track("Existing", "Existente")
    module = await make_module(track, "Existing module", "Módulo existente")
    before = await catalog_texts()
    path = page.format(track=track.id, module=module.id)

    response = await post_form(staff_client, path, data, action=action)

    assert response.status_code == 422
    # One message, in the form that was sent (not also in the page's other form).
    assert re.findall(
        r'<p class="field-error" id="f-(?:[a-z]+-)?(\w+)-error">([^<]*)</p>', response.text
    ) == [("title_es", "This field is required.")]
    assert response.text.count(f'value="{data["title_en"]}"') == 1
    assert "Our voice</textarea>" in response.text
    if untouched:
        # The form that edits the track or module itself still shows what is stored.
        title_en, title_es = untouched
        assert f'name="title_en" type="text" value="{title_en}"' in response.text
        assert f'name="title_es" type="text" value="{title_es}"' in response.text
    assert await catalog_texts() == before
