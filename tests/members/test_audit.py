"""Every read of a minor's record by an adult is in the audit log, web or API, once per
request, and flagged so that the staff's "minors only" filter finds it."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from itertools import product

import pytest
from starlette.routing import Route

from tests.conftest import log_in
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from tests.soapbox.factories import (
    give_photo,
    la_today,
    local,
    make_evening_event,
    make_placed,
    make_slot,
    make_speech,
    make_stage,
)
from tests.volunteers.factories import make_shift
from yoc import audit
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.audit import AuditAction, AuditEntry
from yoc.curriculum.enums import Completion
from yoc.curriculum.services import progress
from yoc.i18n import gettext, ngettext, use_language
from yoc.members.models import MemberPhoto
from yoc.members.services.privacy import audit_entries
from yoc.members.services.standing import adult_birthday_cutoff
from yoc.volunteers.services import signups


@pytest.fixture
async def group(app):
    minor = await make_member(age=15, name="Itzel Ramírez", email="itzel@example.org")
    adult = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    mentor = await make_user(role=Role.MENTOR, name="Lucía Torres", email="lucia@example.org")
    cohort = await make_cohort("North Shore Summer", members=[minor, adult], mentors=[mentor])
    await AuditEntry.all().delete()  # what making them wrote
    return minor, adult, mentor, cohort


async def views() -> list[tuple[int, int, bool, str]]:
    rows = await AuditEntry.filter(action=AuditAction.VIEW).order_by("id")
    return [(r.actor_id, r.subject_id, r.subject_is_minor, r.detail.get("via")) for r in rows]


async def bearer(user) -> dict[str, str]:
    _, secret = await accounts.create_api_token(user, "Laptop")
    return {"Authorization": f"Bearer {secret}"}


async def test_an_api_read_of_a_minors_record_is_audited(client, group) -> None:
    minor, adult, mentor, _ = group
    headers = await bearer(mentor)

    one = await client.get(f"/api/v1/members/{minor.id}", headers=headers)
    other = await client.get(f"/api/v1/members/{adult.id}", headers=headers)

    assert one.status_code == other.status_code == 200
    assert await views() == [
        (mentor.id, minor.id, True, "api"),
        (mentor.id, adult.id, False, "api"),
    ]


@pytest.mark.parametrize("path", ["/api/v1/members", "/api/v1/cohorts/{cohort}/members"])
async def test_an_api_list_audits_each_minor_once_per_request(client, group, path) -> None:
    minor, _, mentor, cohort = group
    headers = await bearer(mentor)

    for _ in range(2):
        answer = await client.get(path.format(cohort=cohort.id), headers=headers)
        assert answer.status_code == 200

    # The adult in the list is no minor; the minor is read twice, in two requests.
    assert await views() == [(mentor.id, minor.id, True, "api")] * 2


@pytest.mark.parametrize("path", ["/cohorts/{cohort}/progress", "/members"])
async def test_a_mentor_viewing_the_group_pages_is_audited(client, group, path) -> None:
    minor, _, mentor, cohort = group
    await give(minor, await make_module(await make_track()))
    await AuditEntry.all().delete()
    await log_in(client, "lucia@example.org", PASSWORD)

    page = await client.get(path.format(cohort=cohort.id))

    assert page.status_code == 200
    assert "Itzel" in page.text
    assert await views() == [(mentor.id, minor.id, True, "web")]
    [entry] = await audit_entries(minors_only=True)
    assert entry.subject_label == "Itzel Ramírez"


async def test_staff_downloading_the_group_progress_is_audited(client, group) -> None:
    minor, _, _, cohort = group
    staff = await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org")
    await log_in(client, "sam@example.org", PASSWORD)

    sheet = await client.get(f"/cohorts/{cohort.id}/progress.csv")

    assert sheet.status_code == 200
    assert await views() == [(staff.id, minor.id, True, "csv")]


async def test_a_mentors_review_of_a_minors_reflection_is_flagged_minor(
    app, group, settings
) -> None:
    minor, _, mentor, _ = group
    module = await make_module(await make_track())
    story = await make_activity(module, completion=Completion.REFLECTION)
    await give(minor, module)
    row = await progress.submit_reflection(minor, story.id, "The clinic closed.")

    await progress.review(
        mentor=mentor, progress_id=row.id, approve=True, feedback="", settings=settings
    )

    reviews = [e for e in await audit_entries(minors_only=True) if "review" in e.detail]
    assert [(e.actor_id, e.subject_id, e.detail["review"]) for e in reviews] == [
        (mentor.id, minor.id, "approved")
    ]


@pytest.mark.parametrize(
    ("on", "cutoff"),
    [
        (date(2026, 12, 2), date(2008, 12, 2)),
        (date(2028, 2, 29), date(2010, 2, 28)),
    ],
)
def test_whoever_is_born_after_the_cutoff_is_a_minor(on, cutoff) -> None:
    assert adult_birthday_cutoff(on) == cutoff


async def test_a_mentor_reading_a_minors_speech_and_reflections_is_audited(
    client, group, settings
) -> None:
    minor, adult, mentor, _ = group
    speech = await make_speech(minor)
    await make_speech(adult, title="Bus routes")
    module = await make_module(await make_track())
    story = await make_activity(module, completion=Completion.REFLECTION)
    await give(minor, module)
    await progress.submit_reflection(minor, story.id, "The clinic closed.")
    await AuditEntry.all().delete()
    await log_in(client, "lucia@example.org", PASSWORD)

    for path in (f"/speeches/{speech.id}", "/speeches/reviews", "/mentor/reviews"):
        page = await client.get(path)
        assert page.status_code == 200, path

    assert await views() == [(mentor.id, minor.id, True, "web")] * 3


# Every page, not only the ones someone remembered -----------------------------------

# Pages that show a minor's name and are no read of her record, each with its reason.
NOT_A_READ_OF_HER_RECORD = {
    # The audit log itself: reading who read her record is not a new read of it.
    "/staff/audit",
}
# Pages that ask "are you sure?" before an action: they name whom the action is about
# and show nothing of the record (the action itself is audited).
CONFIRMATION_PAGES = re.compile(r"/members/\d+/decision$|/deletions/\d+/complete$")


async def _her_world(minor, mentor, cohort, settings):
    """Everything that can put a minor's name on an adult's screen: a reflection under
    review, notes, a speech on a stage's board, a photo."""
    module = await make_module(await make_track())
    story = await make_activity(module, completion=Completion.REFLECTION)
    await give(minor, module)
    row = await progress.submit_reflection(minor, story.id, "The clinic closed.")
    day = la_today() + timedelta(days=10)
    event = await make_evening_event(day)
    slot = await make_slot(await make_stage(event), local(day, 18))
    speech = await make_placed(minor, slot)
    await give_photo(minor)
    shift = await make_shift(event, start=16, hours=2)
    await signups.sign_up_member(shift, minor, settings=settings)
    return {
        "id": [minor.id, cohort.id, speech.id, row.id, module.id, story.id, event.id, shift.id],
        "slug": [event.slug],
    }


def _addresses(app, values: dict[str, list]) -> list[str]:
    """Every GET address of the app, its parameters filled with each value that names
    something of hers (routes with other parameters, secrets and tokens, are left out)."""
    found = []
    for route in app.routes:
        if not isinstance(route, Route) or "GET" not in (route.methods or {"GET"}):
            continue
        names = list(route.param_convertors)
        if any(n not in values for n in names):
            continue
        fillings = [
            dict(zip(names, combo, strict=True)) for combo in product(*(values[n] for n in names))
        ]
        for filling in fillings or [{}]:
            found.append(route.path_format.format(**filling))
    return sorted(set(found))


@pytest.mark.parametrize("who", ["mentor", "staff"])
async def test_every_page_that_shows_an_adult_a_minor_audits_the_read(
    app, client, group, settings, who
) -> None:
    """A sweep of every page an adult can open: where the minor's name (or her photo)
    is in the answer, the same request wrote a line naming her in the audit log."""
    minor, _, mentor, cohort = group
    values = await _her_world(minor, mentor, cohort, settings)
    viewer = mentor
    if who == "staff":
        viewer = await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org")
    await log_in(client, viewer.email, PASSWORD)
    token = await bearer(viewer)
    photo = (await MemberPhoto.get(user=minor)).data

    shown, missing = [], []
    for address in _addresses(app, values):
        if address in NOT_A_READ_OF_HER_RECORD or CONFIRMATION_PAGES.search(address):
            continue
        before = await AuditEntry.filter(subject_id=minor.id, action=AuditAction.VIEW).count()
        answer = await client.get(address, headers=token if address.startswith("/api/") else {})
        if answer.status_code != 200:
            continue
        hers = (
            "Itzel" in answer.text
            or answer.content == photo
            or re.search(rf'"member":\s*{minor.id}[,}}]', answer.text)
        )
        if not hers:
            continue
        shown.append(address)
        after = await AuditEntry.filter(subject_id=minor.id, action=AuditAction.VIEW).count()
        if after != before + 1:
            missing.append(f"{address}: {after - before} lines")

    assert len(shown) >= 5  # the sweep does reach her pages
    assert missing == [], "\n".join(missing)


def audit_rows(response) -> list[list[str]]:
    """The audit log's table as staff read it: one list of cell texts per line."""
    body = re.search(r"<tbody>(.*?)</tbody>", response.text, re.S).group(1)
    rows = [
        re.findall(r"<td>(.*?)</td>", tr, re.S) for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
    return [
        [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()) for cell in row]
        for row in rows
    ]


def members_es(n: int) -> str:
    with use_language("es"):
        return ngettext("%(num)d member", "%(num)d members", n)


def say(message: str) -> str:
    with use_language("es"):
        text = gettext(message)
    assert text != message or message == "no", f"no Spanish translation for {message!r}"
    return text


async def test_the_audit_log_reads_in_the_staff_members_language(client, group) -> None:
    minor, _, mentor, _ = group
    await audit.record(actor=mentor, action=AuditAction.VIEW, subject=minor, via="web")
    await audit.record(
        actor=None,
        actor_label="guardian",
        action=AuditAction.CONSENT,
        subject=minor,
        via="emailed_link",
        purpose="photo_release",
        granted=True,
    )
    await audit.record(actor=None, action=AuditAction.EXPORT, count=12, filters={"q": False})
    await make_user(role=Role.STAFF, email="sam@example.org", language="es")
    await log_in(client, "sam@example.org", PASSWORD)

    page = await client.get("/staff/audit")

    assert [row[1:] for row in audit_rows(page)] == [
        [
            say("YO-C, automatically"),
            say("exported a list"),
            members_es(12),
            f"{say('filters')}: {say('search')}: {say('no')}",
        ],
        [
            say("A parent or guardian"),
            say("recorded a consent"),
            f"Itzel Ramírez {say('minor')}",
            f"{say('through')}: {say('the emailed link')} · {say('given')}: {say('yes')} · "
            f"{say('permission')}: {say('Photo release')}",
        ],
        [
            "Lucía Torres <lucia@example.org>",
            say("viewed the record"),
            f"Itzel Ramírez {say('minor')}",
            f"{say('through')}: {say('the website')}",
        ],
    ]
