"""Members: my group's meetings and my answers, my service hours and their letter, and
which reminders I get."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import DomainError
from yoc.forms import parse
from yoc.http import (
    current_user,
    flash,
    form_data,
    member_required,
    redirect,
    render,
    render_form,
    safe_next,
)
from yoc.i18n import N_, gettext
from yoc.members.guards import active_member_required
from yoc.participation import forms
from yoc.participation.enums import ReminderKind, Rsvp
from yoc.participation.services import choices, hours, letters, meetings
from yoc.timeutil import utcnow

RSVP_SAVED = {
    Rsvp.YES: N_("Thank you! Your group knows you are coming."),
    Rsvp.MAYBE: N_("Saved: maybe. Tell your group when you know."),
    Rsvp.NO: N_("Saved. Your group knows you cannot come this time."),
}


@active_member_required
async def my_meetings(request: Request) -> Response:
    member = current_user(request)
    return render(
        request,
        "participation/my_meetings.html",
        {"upcoming": await meetings.upcoming_for(member, limit=12)},
    )


@active_member_required
async def rsvp(request: Request) -> Response:
    values = await form_data(request)
    data = parse(forms.RsvpForm, values)
    await meetings.answer(current_user(request), request.path_params["id"], data.answer)
    flash(request, gettext(RSVP_SAVED[data.answer]))
    back = safe_next(values.get("next"), "/meetings")
    return redirect(f"{back}#meeting-{request.path_params['id']}")


async def _hours_page(request: Request, **context) -> dict:
    member = current_user(request)
    years = await hours.years_of(member)
    return {
        "years": years,
        "letter_years": [y.year for y in years if y.verified_minutes],
        "today": utcnow().date().isoformat(),
        **context,
    }


@active_member_required
async def my_hours(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "participation/my_hours.html", await _hours_page(request))
    values = await form_data(request)
    try:
        data = parse(forms.HoursForm, values)
        await hours.log_hours(
            current_user(request),
            served_on=data.served_on,
            hours=data.hours,
            organisation=data.organisation,
            description=data.description,
        )
    except DomainError as error:
        return render_form(
            request,
            "participation/my_hours.html",
            values=values,
            error=error,
            context=await _hours_page(request),
        )
    flash(request, gettext("Saved. A mentor will verify your hours."))
    return redirect("/me/hours")


@active_member_required
async def letter(request: Request) -> Response:
    """The letter of hours, as a PDF to download."""
    data = parse(forms.LetterForm, dict(request.query_params))
    member = current_user(request)
    settings = request.app.state.settings
    pdf = await letters.letter_of_hours(
        member,
        year=data.year,
        language=data.lang,
        org_name=settings.org_name,
        issued_on=utcnow().date(),
    )
    name = f"service-hours-{data.year}-{data.lang}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@member_required
async def my_reminders(request: Request) -> Response:
    user = current_user(request)
    if request.method == "POST":
        form = await request.form()
        chosen = forms.chosen_kinds([v for v in form.getlist("kinds") if isinstance(v, str)])
        await choices.choose_for_member(user, chosen)
        flash(request, gettext("Your reminder choices are saved."))
        return redirect("/me/reminders")
    return render(
        request,
        "participation/reminders.html",
        {"kinds": list(ReminderKind), "chosen": await choices.for_member(user)},
    )


routes = [
    Route("/meetings", my_meetings, name="participation:meetings"),
    Route("/meetings/{id:id}/rsvp", rsvp, methods=["POST"], name="participation:rsvp"),
    Route("/me/hours", my_hours, methods=["GET", "POST"], name="participation:hours"),
    Route("/me/hours/letter", letter, name="participation:letter"),
    Route("/me/reminders", my_reminders, methods=["GET", "POST"], name="participation:reminders"),
]
