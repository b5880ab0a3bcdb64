"""Working through a module (yoc.curriculum.services.progress): prerequisites, the
review cycle and its history and mail, the ways of finishing, and two finishes at once."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.transactions import in_transaction

from tests.curriculum.conftest import badge_keys, spanish, states
from tests.curriculum.factories import (
    give,
    make_activity,
    make_module,
    make_path,
    make_track,
    milestone_for,
    reflection_for,
)
from yoc import jobs
from yoc.accounts.models import User
from yoc.curriculum.enums import Completion, ProgressState
from yoc.curriculum.models import ActivityProgress, ModuleCompletion, ProgressEvent
from yoc.curriculum.services import progress
from yoc.errors import Conflict, ValidationFailed
from yoc.mail import OutboxMessage

S = ProgressState


# Prerequisites -------------------------------------------------------------------------


async def test_a_module_stays_locked_until_its_prerequisite_is_completed(group) -> None:
    path = await make_path(group.member)

    with pytest.raises(Conflict) as marking:
        await progress.mark_done(group.member, path.advanced_activity.id)
    with pytest.raises(Conflict) as submitting:
        await progress.submit_reflection(group.member, path.advanced_reflection.id, "My text")

    assert (marking.value.code, submitting.value.code) == ("locked", "locked")
    assert await ActivityProgress.all().count() == 0
    assert [m.id for m in await progress.missing_prerequisites(group.member, path.advanced)] == [
        path.basics.id
    ]


async def test_completing_the_prerequisite_unlocks_the_module(group) -> None:
    path = await make_path(group.member)

    await progress.mark_done(group.member, path.basics_activity.id)
    done = await progress.mark_done(group.member, path.advanced_activity.id)

    assert done.state == S.DONE
    assert await progress.missing_prerequisites(group.member, path.advanced) == []
    assert await ModuleCompletion.filter(member=group.member).values_list(
        "module_id", flat=True
    ) == [path.basics.id]


# Reflections and reviews ---------------------------------------------------------------


async def test_submit_return_resubmit_approve_keeps_the_whole_history(group, settings) -> None:
    activity = await reflection_for(group.member)
    member, mentor = group.member, group.mentor

    row = await progress.submit_reflection(member, activity.id, "The park by the canal.")
    await progress.review(
        mentor=mentor,
        progress_id=row.id,
        approve=False,
        feedback="Tell me why you love it.",
        settings=settings,
    )
    await progress.submit_reflection(member, activity.id, "The park: my friends meet there.")
    await progress.review(
        mentor=mentor, progress_id=row.id, approve=True, feedback="Beautiful.", settings=settings
    )

    events = await ProgressEvent.filter(progress_id=row.id).values_list(
        "state", "text", "actor_id", "actor_name"
    )
    assert events == [
        (S.SUBMITTED, "The park by the canal.", member.id, "Itzel Ramírez"),
        (S.RETURNED, "Tell me why you love it.", mentor.id, "Lucía Torres"),
        (S.SUBMITTED, "The park: my friends meet there.", member.id, "Itzel Ramírez"),
        (S.APPROVED, "Beautiful.", mentor.id, "Lucía Torres"),
    ]
    stored = await ActivityProgress.get(id=row.id)
    assert (stored.state, stored.body) == (S.APPROVED, "The park: my friends meet there.")
    assert await ModuleCompletion.filter(member=member).count() == 1


@pytest.mark.parametrize("feedback", ["", "   "], ids=["empty", "blank"])
async def test_returning_a_reflection_without_feedback_is_refused(
    group, settings, feedback
) -> None:
    activity = await reflection_for(group.member)
    row = await progress.submit_reflection(group.member, activity.id, "My text.")

    with pytest.raises(ValidationFailed) as refused:
        await progress.review(
            mentor=group.mentor,
            progress_id=row.id,
            approve=False,
            feedback=feedback,
            settings=settings,
        )

    assert list(refused.value.fields) == ["feedback"]
    assert (await ActivityProgress.get(id=row.id)).state == S.SUBMITTED
    assert await ProgressEvent.all().count() == 1
    assert await OutboxMessage.all().count() == 0


async def test_approving_twice_is_a_conflict(group, settings) -> None:
    activity = await reflection_for(group.member)
    row = await progress.submit_reflection(group.member, activity.id, "My text.")
    await progress.review(
        mentor=group.mentor, progress_id=row.id, approve=True, feedback="", settings=settings
    )

    with pytest.raises(Conflict) as refused:
        await progress.review(
            mentor=group.mentor, progress_id=row.id, approve=True, feedback="", settings=settings
        )

    assert refused.value.code == "bad_transition"
    assert await ProgressEvent.all().count() == 2
    assert await OutboxMessage.all().count() == 1


@pytest.mark.parametrize("approve", [True, False], ids=["approve", "return"])
async def test_reviewing_a_reflection_that_was_not_submitted_is_a_conflict(
    group, settings, approve
) -> None:
    activity = await reflection_for(group.member)
    row = await progress.start(group.member, activity.id)

    with pytest.raises(Conflict) as refused:
        await progress.review(
            mentor=group.mentor,
            progress_id=row.id,
            approve=approve,
            feedback="Some feedback.",
            settings=settings,
        )

    assert refused.value.code == "bad_transition"
    assert (await ActivityProgress.get(id=row.id)).state == S.IN_PROGRESS
    assert await ProgressEvent.filter(state__in=[S.APPROVED, S.RETURNED]).count() == 0
    assert await OutboxMessage.all().count() == 0


async def test_review_mail_reaches_a_spanish_speaking_member_in_spanish(
    group, settings, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server
    await User.filter(id=group.member.id).update(language="es")
    member = await User.get(id=group.member.id)
    activity = await reflection_for(member)
    row = await progress.submit_reflection(member, activity.id, "El parque del canal.")
    await progress.review(
        mentor=group.mentor,
        progress_id=row.id,
        approve=False,
        feedback="Cuéntame por qué te gusta.",
        settings=settings,
    )

    await jobs.run_once(settings.with_(smtp_url=smtp_url))

    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    text = mailbox.text_of(message)
    assert message["To"] == "itzel@example.org"
    assert "Hola, Itzel Ramírez:" in text
    assert "Cuéntame por qué te gusta." in text
    assert "Un lugar que quiero" in text
    assert "A place I love" not in text
    assert f"http://testserver/learn/modules/{activity.module_id}" in text
    assert message["Subject"] == spanish("Your mentor has feedback on your reflection")
    asks_for_changes = spanish(
        "%(mentor)s read your reflection for “%(activity)s” and asks you to make some changes."
    )
    assert asks_for_changes % {"mentor": "Lucía Torres", "activity": "Un lugar que quiero"} in text


async def test_review_mail_reaches_an_english_speaking_member_in_english(
    group, settings, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server
    activity = await reflection_for(group.member)
    row = await progress.submit_reflection(group.member, activity.id, "The park.")
    await progress.review(
        mentor=group.mentor,
        progress_id=row.id,
        approve=True,
        feedback="You made me see the park anew.",
        settings=settings,
    )

    await jobs.run_once(settings.with_(smtp_url=smtp_url))

    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    text = mailbox.text_of(message)
    assert message["To"] == "itzel@example.org"
    assert message["Subject"] == "Your reflection was approved"
    assert "Lucía Torres approved your reflection for “A place I love”." in text
    assert "You made me see the park anew." in text


# Ways of finishing ---------------------------------------------------------------------


async def test_attendance_recorded_by_a_mentor_completes_the_activity(group) -> None:
    module = await make_module(await make_track())
    workshop = await make_activity(module, "Workshop", "Taller", completion=Completion.ATTENDANCE)
    await give(group.member, module)

    marked = await progress.record_attendance(
        mentor=group.mentor, activity_id=workshop.id, member_ids=[group.member.id]
    )
    again = await progress.record_attendance(
        mentor=group.mentor, activity_id=workshop.id, member_ids=[group.member.id]
    )

    assert (marked, again) == (1, 0)
    assert await states(group.member) == {workshop.id: S.DONE}
    assert await ProgressEvent.all().values_list("state", "actor_id") == [(S.DONE, group.mentor.id)]
    assert await ModuleCompletion.filter(member=group.member, module=module).count() == 1


@pytest.mark.parametrize(
    ("completion", "way"),
    [
        (Completion.SELF, "reflection"),
        (Completion.SELF, "attendance"),
        (Completion.REFLECTION, "mark done"),
        (Completion.REFLECTION, "attendance"),
        (Completion.ATTENDANCE, "mark done"),
        (Completion.ATTENDANCE, "reflection"),
    ],
    ids=lambda v: str(v),
)
async def test_an_activity_is_finished_only_its_own_way(group, completion, way) -> None:
    module = await make_module(await make_track())
    activity = await make_activity(module, completion=completion)
    await give(group.member, module)
    ways = {
        "mark done": lambda: progress.mark_done(group.member, activity.id),
        "reflection": lambda: progress.submit_reflection(group.member, activity.id, "My text."),
        "attendance": lambda: progress.record_attendance(
            mentor=group.mentor, activity_id=activity.id, member_ids=[group.member.id]
        ),
    }

    with pytest.raises(Conflict) as refused:
        await ways[way]()

    assert refused.value.code == "wrong_completion"
    assert await ActivityProgress.all().count() == 0


# Finishing at the same moment ----------------------------------------------------------


async def test_finishing_the_last_activity_while_another_finish_commits_completes_the_module(
    group,
) -> None:
    """Two requests finish the module's last two activities at the same moment: the first
    has counted but not yet committed when the second counts."""
    milestone, (first, second) = await milestone_for(group.member)
    counted, release = asyncio.Event(), asyncio.Event()

    async def slow_request() -> None:
        async with in_transaction():
            await progress.mark_done(group.member, first.id)
            counted.set()
            await release.wait()

    slow = asyncio.create_task(slow_request())
    await counted.wait()
    fast = asyncio.create_task(progress.mark_done(group.member, second.id))
    # Give the second request time to finish unless it waits for the first to commit
    # (it does on SQLite, where this app runs one transaction at a time).
    await asyncio.wait({fast}, timeout=1)
    release.set()
    await asyncio.gather(slow, fast)

    assert await states(group.member) == {first.id: S.DONE, second.id: S.DONE}
    assert await ModuleCompletion.filter(member=group.member).values_list(
        "module_id", flat=True
    ) == [milestone.id]
    assert await badge_keys() == [f"module:{milestone.id}"]


async def test_two_clicks_finishing_the_same_activity_count_once(group) -> None:
    milestone, (only,) = await milestone_for(group.member, activities=1)

    results = await asyncio.gather(
        progress.mark_done(group.member, only.id),
        progress.mark_done(group.member, only.id),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert [type(r) for r in refused] == [Conflict]
    assert await states(group.member) == {only.id: S.DONE}
    assert await ProgressEvent.all().count() == 1
    assert await badge_keys() == [f"module:{milestone.id}"]
