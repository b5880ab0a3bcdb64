"""The curriculum's rules: assignments (late joiners too), prerequisites, the review cycle
and its history and mail, ways of finishing, badges and their Open Badges credential,
catalog edits that never rewrite history, derived overdue, the review queue, the staff
editor, the assignment and catalog API, and the member dashboard.

(Who may call which page is in test_permissions.py.)

The cast: Itzel Ramírez (15, active) in the North Shore group, mentored by Lucía Torres.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest
from tortoise.transactions import in_transaction

from tests.conftest import csrf_from, log_in, post_form
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from yoc import cache, jobs
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.enums import STAMP, ActivityKind, Completion, ProgressState
from yoc.curriculum.models import (
    Activity,
    ActivityProgress,
    Assignment,
    Badge,
    CohortAssignment,
    Module,
    ModuleCompletion,
    ProgressEvent,
    Track,
)
from yoc.curriculum.services import assignments, badges, catalog, progress
from yoc.errors import Conflict, ValidationFailed
from yoc.i18n import gettext, ngettext, use_language
from yoc.mail import OutboxMessage
from yoc.members.enums import ApplicationDecision
from yoc.members.models import Cohort
from yoc.members.services import cohorts
from yoc.members.services.profiles import today

S = ProgressState


@dataclass
class Group:
    member: User
    mentor: User
    staff: User
    cohort: Cohort


@pytest.fixture
async def group(app) -> Group:
    member = await make_member(age=15, name="Itzel Ramírez", email="itzel@example.org")
    mentor = await make_user(role=Role.MENTOR, name="Lucía Torres", email="lucia@example.org")
    staff = await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org")
    cohort = await make_cohort("North Shore Summer", members=[member], mentors=[mentor])
    return Group(member=member, mentor=mentor, staff=staff, cohort=cohort)


def spanish(message: str) -> str:
    with use_language("es"):
        text = gettext(message)
    assert text != message, f"no Spanish translation for {message!r}"
    return text


async def assignment_rows() -> list[tuple]:
    return sorted(
        await Assignment.all().values_list(
            "member_id", "module_id", "due_on", "note", "cohort_assignment_id"
        )
    )


async def states(member: User) -> dict[int, str]:
    return dict(await ActivityProgress.filter(member=member).values_list("activity_id", "state"))


# Assignments ------------------------------------------------------------------------


async def test_assigning_a_module_to_a_cohort_gives_every_member_an_assignment(group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await group.cohort.members.add(beto)
    module = await make_module(await make_track())
    due = today() + timedelta(days=7)

    given = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id, due_on=due, note="Hi"
    )

    assert await CohortAssignment.all().count() == 1
    assert await assignment_rows() == sorted(
        [
            (group.member.id, module.id, due, "Hi", given.id),
            (beto.id, module.id, due, "Hi", given.id),
        ]
    )


async def test_a_member_who_joins_the_cohort_later_gets_what_it_was_given(group) -> None:
    track = await make_track()
    single = await make_module(await make_track())
    first, second = await make_module(track), await make_module(track)
    due = today() + timedelta(days=3)
    by_module = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=single.id, due_on=due
    )
    by_track = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, track_id=track.id, note="Whole track"
    )
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")

    await cohorts.add_person(actor=group.staff, cohort=group.cohort, email="beto@example.org")

    assert sorted(await Assignment.filter(member=beto).values_list("module_id", flat=True)) == [
        single.id,
        first.id,
        second.id,
    ]
    assert sorted(
        await Assignment.filter(member=beto).values_list(
            "module_id", "due_on", "note", "cohort_assignment_id"
        )
    ) == [
        (single.id, due, "", by_module.id),
        (first.id, None, "Whole track", by_track.id),
        (second.id, None, "Whole track", by_track.id),
    ]
    assert await Assignment.all().count() == 6


async def test_assigning_a_track_gives_one_assignment_per_live_module(group) -> None:
    track = await make_track()
    first = await make_module(track)
    retired = await make_module(track)
    third = await make_module(track)
    await catalog.set_retired("module", retired.id, True)

    await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, track_id=track.id
    )

    assert sorted(
        await Assignment.filter(member=group.member).values_list("module_id", flat=True)
    ) == [first.id, third.id]
    assert await Assignment.all().count() == 2


async def test_assigning_the_same_module_again_gives_no_second_assignment(group) -> None:
    module = await make_module(await make_track())
    await assignments.assign_to_member(
        actor=group.mentor, member_id=group.member.id, module_id=module.id
    )

    made = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
    )

    assert made.id == (await CohortAssignment.get()).id
    assert await Assignment.filter(member=group.member, module=module).count() == 1


# Prerequisites --------------------------------------------------------------------


@dataclass
class TwoModules:
    basics: Module
    advanced: Module
    basics_activity: Activity
    advanced_activity: Activity
    advanced_reflection: Activity


async def make_path(member: User) -> TwoModules:
    """ "Basics", then "Advanced", which requires it; both given to ``member``."""
    track = await make_track("Speak Up", "Alza la voz")
    basics = await make_module(track, "Basics", "Lo básico")
    advanced = await make_module(track, "Advanced", "Avanzado", prerequisites=[basics])
    path = TwoModules(
        basics=basics,
        advanced=advanced,
        basics_activity=await make_activity(basics, "Read the guide", "Lee la guía"),
        advanced_activity=await make_activity(advanced, "Give the speech", "Da el discurso"),
        advanced_reflection=await make_activity(
            advanced, "What changed?", "¿Qué cambió?", completion=Completion.REFLECTION
        ),
    )
    await give(member, basics, advanced)
    return path


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


async def test_a_module_cannot_require_a_module_that_requires_it(app) -> None:
    track = await make_track()
    basics = await make_module(track)
    advanced = await make_module(track, prerequisites=[basics])

    with pytest.raises(ValidationFailed) as refused:
        await catalog.set_prerequisites(basics, [advanced.id])

    assert list(refused.value.fields) == ["prerequisite_ids"]
    assert await basics.prerequisites.all().count() == 0
    assert [m.id for m in await advanced.prerequisites.all()] == [basics.id]


async def test_a_longer_circle_of_prerequisites_is_refused_too(app) -> None:
    track = await make_track()
    first = await make_module(track)
    second = await make_module(track, prerequisites=[first])
    third = await make_module(track, prerequisites=[second])

    with pytest.raises(ValidationFailed) as refused:
        await catalog.update_module(first.id, prerequisite_ids=[third.id])

    assert list(refused.value.fields) == ["prerequisite_ids"]
    assert await first.prerequisites.all().count() == 0


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


# Reflections and reviews ----------------------------------------------------------


async def reflection_for(member: User) -> Activity:
    module = await make_module(await make_track(), "My community", "Mi comunidad")
    activity = await make_activity(
        module, "A place I love", "Un lugar que quiero", completion=Completion.REFLECTION
    )
    await give(member, module)
    return activity


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


# Ways of finishing ------------------------------------------------------------------


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


# Badges -----------------------------------------------------------------------------


async def milestone_for(member: User, activities: int = 2) -> tuple[Module, list[Activity]]:
    """A milestone module in a track with another module, so only the module's badge is
    at stake."""
    track = await make_track("Organize", "Organiza")
    milestone = await make_module(track, "First campaign", "Primera campaña", milestone=True)
    other = await make_module(track)
    await make_activity(other)
    made = [await make_activity(milestone) for _ in range(activities)]
    await give(member, milestone, other)
    return milestone, made


async def badge_keys() -> list[str]:
    return sorted(await Badge.all().values_list("achievement_key", flat=True))


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


# Catalog edits do not rewrite history -----------------------------------------------


async def test_editing_an_activity_title_keeps_the_old_title_in_the_history(group) -> None:
    module = await make_module(await make_track())
    activity = await make_activity(module, "Read the guide", "Lee la guía")
    await give(group.member, module)
    await progress.mark_done(group.member, activity.id)

    await catalog.update_activity(activity.id, title_en="Read the new guide")

    assert await ProgressEvent.all().values_list("activity_title", flat=True) == ["Read the guide"]
    assert (await Activity.get(id=activity.id)).title_en == "Read the new guide"


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


async def test_a_completed_module_stays_completed_when_an_activity_is_added(group) -> None:
    module = await make_module(await make_track())
    activity = await make_activity(module)
    await give(group.member, module)
    await progress.mark_done(group.member, activity.id)

    added = await make_activity(module, "New step", "Nuevo paso")

    assert await ModuleCompletion.filter(member=group.member, module=module).count() == 1
    assert await states(group.member) == {activity.id: S.DONE}
    assert added.id not in await states(group.member)


async def test_retiring_an_activity_hides_it_but_keeps_the_members_progress(client, group) -> None:
    module = await make_module(await make_track(), "Basics", "Lo básico")
    await make_activity(module, "Stay here", "Quédate aquí")
    retired = await make_activity(module, "Old reading", "Lectura vieja")
    await give(group.member, module)
    await progress.mark_done(group.member, retired.id)
    await log_in(client, "itzel@example.org", PASSWORD)

    await catalog.set_retired("activity", retired.id, True)
    page = await client.get(f"/learn/modules/{module.id}")

    assert page.status_code == 200
    assert "Stay here" in page.text
    assert "Old reading" not in page.text
    assert await states(group.member) == {retired.id: S.DONE}
    assert await ProgressEvent.filter(progress__activity_id=retired.id).count() == 1


async def test_retiring_an_activity_keeps_a_completed_module_and_its_badge(group) -> None:
    milestone, (first, second) = await milestone_for(group.member)
    await progress.mark_done(group.member, first.id)
    await progress.mark_done(group.member, second.id)

    await catalog.set_retired("activity", first.id, True)

    assert await ModuleCompletion.filter(member=group.member, module=milestone).count() == 1
    assert await badge_keys() == [f"module:{milestone.id}"]
    assert (await states(group.member))[first.id] == S.DONE


# Overdue is derived ------------------------------------------------------------------


async def test_overdue_is_derived_from_the_due_date_in_the_grid_and_the_api(client, group) -> None:
    module = await make_module(await make_track(), "Basics", "Lo básico")
    await make_activity(module)
    [assignment] = await give(group.member, module, due_on=today() - timedelta(days=1))
    _, secret = await accounts.create_api_token(group.mentor, "Laptop")
    await log_in(client, "lucia@example.org", PASSWORD)
    api = f"/api/v1/members/{group.member.id}/progress"
    headers = {"Authorization": f"Bearer {secret}"}

    grid = await client.get(f"/cohorts/{group.cohort.id}/progress")
    answer = await client.get(api, headers=headers)
    await Assignment.filter(id=assignment.id).update(due_on=today() + timedelta(days=1))
    await cache.bump(STAMP)  # as every service that changes an assignment does
    grid_after = await client.get(f"/cohorts/{group.cohort.id}/progress")
    answer_after = await client.get(api, headers=headers)

    assert re.findall(r'data-cell="(\w+)"', grid.text) == ["overdue"]
    [row] = answer.json()["modules"]
    assert (row["module"], row["status"], row["overdue"], row["completed"]) == (
        module.id,
        "overdue",
        True,
        False,
    )
    assert row["due_on"] == (today() - timedelta(days=1)).isoformat()
    # Nothing was stored: moving the date alone makes it not overdue.
    assert re.findall(r'data-cell="(\w+)"', grid_after.text) == ["not_started"]
    assert answer_after.json()["modules"][0]["status"] == "not_started"
    assert answer_after.json()["modules"][0]["overdue"] is False
    assert "overdue" not in {state.value for state in ProgressState}


async def test_a_finished_module_is_not_overdue(client, group) -> None:
    module = await make_module(await make_track())
    activity = await make_activity(module)
    await give(group.member, module, due_on=today() + timedelta(days=1))
    await progress.mark_done(group.member, activity.id)
    await Assignment.filter(member=group.member).update(due_on=today() - timedelta(days=1))
    await log_in(client, "lucia@example.org", PASSWORD)

    grid = await client.get(f"/cohorts/{group.cohort.id}/progress")

    assert re.findall(r'data-cell="(\w+)"', grid.text) == ["done"]


@pytest.mark.parametrize("step", ["started", "returned", "one of two done"])
async def test_a_module_begun_is_in_progress_in_the_grid_and_the_api_alike(
    client, group, settings, step
) -> None:
    module = await make_module(await make_track())
    story = await make_activity(module, completion=Completion.REFLECTION)
    other = await make_activity(module)
    await give(group.member, module)
    if step == "started":
        await progress.start(group.member, story.id)
    elif step == "returned":
        row = await progress.submit_reflection(group.member, story.id, "My text.")
        await progress.review(
            mentor=group.mentor,
            progress_id=row.id,
            approve=False,
            feedback="More, please.",
            settings=settings,
        )
    else:
        await progress.mark_done(group.member, other.id)
    _, secret = await accounts.create_api_token(group.mentor, "Laptop")
    await log_in(client, "lucia@example.org", PASSWORD)

    grid = await client.get(f"/cohorts/{group.cohort.id}/progress")
    answer = await client.get(
        f"/api/v1/members/{group.member.id}/progress",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert re.findall(r'data-cell="(\w+)"', grid.text) == ["in_progress"]
    assert [m["status"] for m in answer.json()["modules"]] == ["in_progress"]


# The review queue -------------------------------------------------------------------


async def test_review_queue_lists_the_longest_waiting_reflection_first(client, group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await group.cohort.members.add(beto)
    module = await make_module(await make_track())
    activity = await make_activity(module, completion=Completion.REFLECTION)
    await give(group.member, module)
    await give(beto, module)
    # Beto opens the activity first (his row is older) but sends his reflection last.
    beto_row = await progress.start(beto, activity.id)
    itzel_row = await progress.submit_reflection(group.member, activity.id, "Itzel's text.")
    await progress.submit_reflection(beto, activity.id, "Beto's text.")
    await ActivityProgress.filter(id=itzel_row.id).update(
        submitted_at=(await ActivityProgress.get(id=beto_row.id)).submitted_at - timedelta(hours=1)
    )
    await log_in(client, "lucia@example.org", PASSWORD)

    response = await client.get("/mentor/reviews")

    assert response.status_code == 200
    assert re.findall(r'id="review-(\d+)"', response.text) == [
        str(itzel_row.id),
        str(beto_row.id),
    ]
    assert "2 waiting, the longest first." in response.text


async def test_review_queue_holds_only_the_mentors_own_members(client, group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await make_cohort("Mecca Spring", members=[beto])
    module = await make_module(await make_track())
    activity = await make_activity(module, completion=Completion.REFLECTION)
    await give(group.member, module)
    await give(beto, module)
    mine = await progress.submit_reflection(group.member, activity.id, "Itzel's text.")
    await progress.submit_reflection(beto, activity.id, "Beto's text.")
    await log_in(client, "lucia@example.org", PASSWORD)

    response = await client.get("/mentor/reviews")

    assert re.findall(r'id="review-(\d+)"', response.text) == [str(mine.id)]
    assert "Beto" not in response.text


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


# The API ---------------------------------------------------------------------------------


async def bearer(user: User) -> dict[str, str]:
    _, secret = await accounts.create_api_token(user, "Laptop")
    return {"Authorization": f"Bearer {secret}"}


async def test_api_mentor_assigns_a_module_to_their_cohort(client, group) -> None:
    module = await make_module(await make_track())
    due = today() + timedelta(days=5)

    response = await client.post(
        "/api/v1/assignments",
        json={"target": f"cohort:{group.cohort.id}", "what": f"module:{module.id}"}
        | {"due_on": due.isoformat(), "note": "Before Friday"},
        headers=await bearer(group.mentor),
    )

    given = await CohortAssignment.get()
    assert response.status_code == 201
    assert response.json() == {
        "target": f"cohort:{group.cohort.id}",
        "what": f"module:{module.id}",
        "cohort_assignment": given.id,
    }
    assert (given.cohort_id, given.module_id, given.due_on, given.assigned_by_id) == (
        group.cohort.id,
        module.id,
        due,
        group.mentor.id,
    )
    assert await assignment_rows() == [(group.member.id, module.id, due, "Before Friday", given.id)]


async def test_api_mentor_assigns_a_track_to_one_member(client, group) -> None:
    track = await make_track()
    first, second = await make_module(track), await make_module(track)

    response = await client.post(
        "/api/v1/assignments",
        json={"target": f"member:{group.member.id}", "what": f"track:{track.id}"},
        headers=await bearer(group.mentor),
    )

    assert response.status_code == 201
    assert response.json() == {
        "target": f"member:{group.member.id}",
        "what": f"track:{track.id}",
        "created": 2,
    }
    assert sorted(await Assignment.all().values_list("module_id", flat=True)) == [
        first.id,
        second.id,
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"target", "what"}),
        ({"target": "group:1", "what": "module:1"}, {"target"}),
        ({"target": "cohort:{cohort}", "what": "lesson:1"}, {"what"}),
        ({"target": "cohort:{cohort}", "what": "module:{module}", "due_on": "soon"}, {"due_on"}),
        (
            {"target": "cohort:{cohort}", "what": "module:{module}", "due_on": "yesterday"},
            {"due_on"},
        ),
    ],
    ids=["empty", "bad target", "bad what", "not a date", "date in the past"],
)
async def test_api_bad_assignment_is_422_with_field_errors(client, group, body, fields) -> None:
    module = await make_module(await make_track())
    yesterday = (today() - timedelta(days=2)).isoformat()
    payload = {
        key: value.format(cohort=group.cohort.id, module=module.id).replace("yesterday", yesterday)
        for key, value in body.items()
    }

    response = await client.post(
        "/api/v1/assignments", json=payload, headers=await bearer(group.mentor)
    )

    assert response.status_code == 422
    answer = response.json()
    assert answer["error"] == "invalid"
    assert set(answer["fields"]) == fields
    assert await CohortAssignment.all().count() == 0
    assert await Assignment.all().count() == 0


async def test_api_assignment_body_that_is_not_json_is_422(client, group) -> None:
    response = await client.post(
        "/api/v1/assignments",
        content=b"target=cohort:1",
        headers=await bearer(group.mentor) | {"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"target", "what"}


async def test_api_tracks_lists_live_tracks_with_both_languages(client, group) -> None:
    track = await make_track("Speak Up", "Alza la voz")
    basics = await make_module(track, "Basics", "Lo básico")
    advanced = await make_module(
        track, "Advanced", "Avanzado", milestone=True, prerequisites=[basics]
    )
    read = await make_activity(basics, "Read the guide", "Lee la guía")
    gone = await make_activity(basics, "Old", "Vieja")
    await catalog.set_retired("activity", gone.id, True)
    retired_track = await make_track("Old track", "Ruta vieja")
    await catalog.set_retired("track", retired_track.id, True)

    response = await client.get("/api/v1/tracks", headers=await bearer(group.mentor))

    assert response.status_code == 200
    assert response.json() == {
        "tracks": [
            {
                "id": track.id,
                "slug": "speak-up",
                "title": {"en": "Speak Up", "es": "Alza la voz"},
                "modules": [
                    {
                        "id": basics.id,
                        "title": {"en": "Basics", "es": "Lo básico"},
                        "milestone": False,
                        "prerequisites": [],
                        "activities": [
                            {
                                "id": read.id,
                                "kind": "read",
                                "completion": "self",
                                "title": {"en": "Read the guide", "es": "Lee la guía"},
                            }
                        ],
                    },
                    {
                        "id": advanced.id,
                        "title": {"en": "Advanced", "es": "Avanzado"},
                        "milestone": True,
                        "prerequisites": [basics.id],
                        "activities": [],
                    },
                ],
            }
        ]
    }


# The member dashboard -------------------------------------------------------------------


def section(html: str, heading: str) -> str:
    match = re.search(rf"<h2>{re.escape(heading)}</h2>(.*?)</section>", html, re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


async def test_member_dashboard_shows_due_next_progress_feedback_and_badges(
    client, group, settings
) -> None:
    speak = await make_track("Speak Up", "Alza la voz")
    later = await make_module(speak, "Basics", "Lo básico")
    sooner = await make_module(speak, "Storytelling", "Contar historias")
    read = await make_activity(later, "Read the guide", "Lee la guía")
    story = await make_activity(later, "My story", "Mi historia", completion=Completion.REFLECTION)
    await make_activity(sooner)
    await make_activity(sooner)
    organize = await make_track("Organize", "Organiza")
    campaign = await make_module(organize, "First campaign", "Primera campaña", milestone=True)
    plan = await make_activity(campaign)
    await give(group.member, later, due_on=today() + timedelta(days=9))
    await give(group.member, sooner, due_on=today() + timedelta(days=2))
    await give(group.member, campaign, due_on=today() + timedelta(days=1))
    await progress.mark_done(group.member, read.id)
    row = await progress.submit_reflection(group.member, story.id, "Once upon a time.")
    await progress.review(
        mentor=group.mentor,
        progress_id=row.id,
        approve=False,
        feedback="Add one example from school.",
        settings=settings,
    )
    await progress.mark_done(group.member, plan.id)
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await client.get("/dashboard")

    assert response.status_code == 200
    due_next = section(response.text, "Due next")
    assert re.findall(r'<a href="/learn/modules/(\d+)">', due_next) == [
        str(sooner.id),
        str(later.id),
    ]
    bars = re.findall(
        r'<progress class="bar" value="(\d+)" max="100" aria-label="([^"]+)">', response.text
    )
    assert dict((label, int(value)) for value, label in bars) == {"Speak Up": 25, "Organize": 100}
    feedback = section(response.text, "Recent feedback")
    assert "Add one example from school." in feedback
    assert "Lucía Torres · My story · returned for changes" in feedback
    badges_shown = re.findall(r"<p>★ ([^<]+)</p>", section(response.text, "My badges"))
    assert sorted(badges_shown) == ["First campaign", "Organize"]


async def test_member_dashboard_names_each_group_and_its_mentors(client, group) -> None:
    second = await make_user(role=Role.MENTOR, name="Nico Reyes", email="nico@example.org")
    other = await make_cohort("Mecca Spring", members=[group.member], mentors=[second])
    await make_cohort("Thermal", mentors=[await make_user(role=Role.MENTOR, name="Not Hers")])
    await other.mentors.add(group.mentor)
    await log_in(client, "itzel@example.org", PASSWORD)

    english = section((await client.get("/dashboard")).text, "My group")
    await accounts.set_language(group.member, "es")
    in_spanish = section((await client.get("/dashboard")).text, spanish("My group"))

    assert re.findall(r"<h3>([^<]+)</h3>", english) == ["Mecca Spring", "North Shore Summer"]
    assert "Your mentors: Lucía Torres, Nico Reyes" in english
    assert "Your mentor: Lucía Torres" in english
    assert "Not Hers" not in english
    with use_language("es"):
        one_mentor = ngettext(
            "Your mentor: %(names)s", "Your mentors: %(names)s", 1, names="Lucía Torres"
        )
    assert one_mentor in in_spanish and one_mentor != "Your mentor: Lucía Torres"


async def test_a_member_waiting_for_approval_sees_no_learning_yet(client, group) -> None:
    await make_member(
        age=19,
        name="Beto Cruz",
        email="beto@example.org",
        decision=ApplicationDecision.PENDING,
    )
    await log_in(client, "beto@example.org", PASSWORD)

    response = await client.get("/dashboard")

    assert response.status_code == 200
    assert "<h2>Due next</h2>" not in response.text
    assert "<progress" not in response.text
