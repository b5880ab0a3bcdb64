"""Mentors and staff: plan a group's meetings, take attendance on a phone (offline too),
verify or reject members' service hours."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc.errors import DomainError, ValidationFailed
from yoc.forms import json_object, parse
from yoc.http import (
    Confirmation,
    api_domain_error,
    api_error,
    confirm_first,
    current_user,
    flash,
    form_data,
    redirect,
    render,
    render_form,
    requires,
    session,
)
from yoc.i18n import format_when, gettext, local_time, ngettext, pgettext
from yoc.participation import forms
from yoc.participation.enums import Presence
from yoc.participation.services import attendance, hours, meetings
from yoc.permissions import Action
from yoc.security import csrf_token
from yoc.timeutil import utcnow


async def _meetings_page(request: Request) -> dict:
    cohort, found = await meetings.group_meetings(current_user(request), request.path_params["id"])
    now = utcnow()
    return {
        "cohort": cohort,
        "upcoming": [m for m in found if m.starts_at >= now],
        "past": [m for m in found if m.starts_at < now][::-1],
        "modules": await meetings.module_choices(),
    }


@requires(Action.VIEW_MEMBERS)
async def group_meetings(request: Request) -> Response:
    context = await _meetings_page(request)
    if request.method == "GET":
        return render(request, "participation/group_meetings.html", context)
    values = await form_data(request)
    settings = request.app.state.settings
    try:
        made = await meetings.plan_meetings(
            actor=current_user(request),
            cohort_id=context["cohort"].id,
            plan=_plan(values, settings.timezone),
        )
    except DomainError as error:
        return render_form(
            request,
            "participation/group_meetings.html",
            values=values,
            error=error,
            context=context,
        )
    flash(
        request,
        ngettext("%(num)d meeting planned.", "%(num)d meetings planned.", len(made)),
    )
    return redirect(f"/cohorts/{context['cohort'].id}/meetings")


def _plan(values: dict[str, str], timezone: str) -> meetings.Plan:
    data = parse(forms.MeetingForm, values)
    return meetings.Plan(
        starts_at=datetime.combine(data.day, data.start, ZoneInfo(timezone)),
        minutes=data.minutes,
        place=data.place,
        topic=data.topic,
        module_id=data.module_id,
        weeks=data.weeks,
    )


def _meeting_values(meeting) -> dict[str, str]:
    when = local_time(meeting.starts_at)
    return {
        "day": when.date().isoformat(),
        "start": when.strftime("%H:%M"),
        "minutes": str(meeting.minutes),
        "place": meeting.place,
        "topic": meeting.topic,
        "module_id": str(meeting.module_id or ""),
    }


@requires(Action.VIEW_MEMBERS)
async def change_meeting(request: Request) -> Response:
    """Change a meeting that has not started; cancel it (or the rest of its series)."""
    viewer = current_user(request)
    meeting_id = request.path_params["id"]

    async def page() -> dict:
        meeting = await meetings.meeting_to_change(viewer, meeting_id)
        return {
            "meeting": meeting,
            "modules": await meetings.module_choices(keep=meeting.module),
            "series_left": len(await meetings.to_cancel(viewer, meeting.id, later_too=True)),
        }

    if request.method == "GET":
        context = await page()
        values = _meeting_values(context["meeting"])
        return render(request, "participation/meeting_edit.html", {**context, "values": values})
    values = await form_data(request)
    settings = request.app.state.settings
    try:
        changed = await meetings.change_meeting(
            actor=viewer,
            meeting_id=meeting_id,
            plan=_plan(values, settings.timezone),
            settings=settings,
        )
    except ValidationFailed as error:
        return render_form(
            request,
            "participation/meeting_edit.html",
            values=values,
            error=error,
            context=await page(),
        )
    flash(request, gettext("The meeting is changed."))
    return redirect(f"/cohorts/{changed.cohort_id}/meetings")


async def _cancelling(request: Request, values: dict[str, str]) -> Confirmation:
    found = await meetings.to_cancel(
        current_user(request), request.path_params["id"], later_too=values.get("later") == "1"
    )
    first = found[0]
    return Confirmation(
        title=ngettext(
            "Cancel the meeting “%(topic)s”?",
            "Cancel %(num)d meetings of “%(topic)s”?",
            len(found),
            topic=first.topic,
        ),
        consequences=[
            gettext("The members who said they would come are told by email."),
            gettext("This cannot be undone."),
        ],
        button=ngettext("Cancel this meeting", "Cancel these %(num)d meetings", len(found)),
        cancel_url=f"/meetings/{first.id}/edit",
        details=[
            (gettext("When"), "; ".join(format_when(m.starts_at) for m in found)),
            (pgettext("location", "Place"), first.place),
        ],
    )


@requires(Action.VIEW_MEMBERS)
@confirm_first(_cancelling)
async def cancel_meeting(request: Request) -> Response:
    values = await form_data(request)
    cohort, cancelled = await meetings.cancel_meetings(
        actor=current_user(request),
        meeting_id=request.path_params["id"],
        later_too=values.get("later") == "1",
        settings=request.app.state.settings,
    )
    flash(
        request,
        ngettext("%(num)d meeting cancelled.", "%(num)d meetings cancelled.", len(cancelled)),
    )
    return redirect(f"/cohorts/{cohort.id}/meetings")


@requires(Action.VIEW_MEMBERS)
async def take_attendance(request: Request) -> Response:
    """The roll, one tap per member; the form also works without JavaScript."""
    viewer = current_user(request)
    meeting = await meetings.meeting_to_run(viewer, request.path_params["id"])
    if request.method == "POST":
        form = await request.form()
        now = utcnow()
        marks = [
            attendance.Mark(int(key.removeprefix("m")), Presence(value), now)
            for key, value in form.multi_items()
            if key.startswith("m")
            and key[1:].isascii()
            and key[1:].isdigit()
            and len(key) < 12
            and value in Presence._value2member_map_
        ]
        await attendance.record_marks(mentor=viewer, meeting_id=meeting.id, marks=marks)
        flash(request, gettext("Attendance saved."))
        return redirect(f"/meetings/{meeting.id}/attendance")
    settings = request.app.state.settings
    return render(
        request,
        "participation/attendance.html",
        {
            "meeting": meeting,
            "roll": await meetings.roll(meeting),
            "presences": list(Presence),
            "token": csrf_token(settings.secret_key, session(request).ensure_key()),
        },
    )


async def sync_attendance(request: Request) -> Response:
    """Taps from the attendance page, sent as they happen or in a batch after being
    offline: each member's latest tap wins, and sending a batch again changes nothing."""
    viewer = current_user(request)
    if viewer is None:
        return api_error(401, "unauthenticated", gettext("Please sign in again."))
    try:
        data = parse(forms.MarksIn, await json_object(request))
        outcomes = await attendance.record_marks(
            mentor=viewer,
            meeting_id=request.path_params["id"],
            marks=[attendance.Mark(m.member_id, m.presence, m.marked_at) for m in data.marks],
        )
    except DomainError as error:
        return api_domain_error(error)
    return JSONResponse(
        {
            "results": [
                {
                    "member_id": o.member_id,
                    "result": o.result,
                    "presence": o.presence.value if o.presence else None,
                }
                for o in outcomes
            ]
        }
    )


@requires(Action.VIEW_MEMBERS)
async def hours_to_review(request: Request) -> Response:
    return render(
        request,
        "participation/hours_review.html",
        {"waiting": await hours.waiting_for(current_user(request))},
    )


@requires(Action.VIEW_MEMBERS)
async def verify_hours(request: Request) -> Response:
    entry = await hours.review(
        actor=current_user(request), hours_id=request.path_params["id"], verified=True
    )
    flash(request, gettext("Verified: %(name)s’s hours.", name=entry.member.name))
    return redirect("/mentor/hours")


@requires(Action.VIEW_MEMBERS)
async def reject_hours(request: Request) -> Response:
    values = await form_data(request)
    try:
        data = parse(forms.RejectForm, values)
    except DomainError as error:
        return render_form(
            request,
            "participation/hours_review.html",
            values={**values, "rejecting": str(request.path_params["id"])},
            error=error,
            context={"waiting": await hours.waiting_for(current_user(request))},
        )
    entry = await hours.review(
        actor=current_user(request),
        hours_id=request.path_params["id"],
        verified=False,
        reason=data.reason,
    )
    flash(
        request,
        gettext("Not verified: %(name)s’s hours, with your reason.", name=entry.member.name),
    )
    return redirect("/mentor/hours")


routes = [
    Route(
        "/cohorts/{id:id}/meetings",
        group_meetings,
        methods=["GET", "POST"],
        name="participation:group_meetings",
    ),
    Route(
        "/meetings/{id:id}/edit",
        change_meeting,
        methods=["GET", "POST"],
        name="participation:change_meeting",
    ),
    Route(
        "/meetings/{id:id}/cancel",
        cancel_meeting,
        methods=["GET", "POST"],
        name="participation:cancel_meeting",
    ),
    Route(
        "/meetings/{id:id}/attendance",
        take_attendance,
        methods=["GET", "POST"],
        name="participation:attendance",
    ),
    Route(
        "/meetings/{id:id}/attendance/sync",
        sync_attendance,
        methods=["POST"],
        name="participation:attendance_sync",
    ),
    Route("/mentor/hours", hours_to_review, name="participation:hours_review"),
    Route(
        "/mentor/hours/{id:id}/verify",
        verify_hours,
        methods=["POST"],
        name="participation:verify",
    ),
    Route(
        "/mentor/hours/{id:id}/reject",
        reject_hours,
        methods=["POST"],
        name="participation:reject",
    ),
]
