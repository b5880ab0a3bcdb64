"""The family page: a guardian asks for a sign-in link, signs in with it, and sees and
changes what concerns their teens. The guardian's session is a cookie of its own, sent only
to /family, and no user account."""

from __future__ import annotations

import functools

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import DomainError
from yoc.family import forms, services
from yoc.forms import parse
from yoc.http import (
    Endpoint,
    error_page,
    flash,
    forget_shared_pages,
    form_data,
    redirect,
    render,
    render_form,
)
from yoc.i18n import N_, gettext, set_language
from yoc.members import consent_texts
from yoc.members.enums import ConsentPurpose
from yoc.members.services import guardian_access, guardian_view, guardianship
from yoc.members.services.consent import Outcome
from yoc.middleware import LANG_COOKIE
from yoc.participation.enums import ReminderKind
from yoc.participation.forms import chosen_kinds
from yoc.participation.services import choices

FAMILY_COOKIE = "yoc_family"
SIGN_IN = "/family/sign-in"


def _visitor(request: Request) -> guardian_access.Visitor:
    return request.scope["family_visitor"]


def _page(request: Request, template: str, context: dict | None = None, **kwargs) -> Response:
    return render(
        request,
        template,
        {"family_visitor": request.scope.get("family_visitor"), **(context or {})},
        **kwargs,
    )


def _speak(request: Request, language: str) -> None:
    """The guardian's own language, as in the emails, unless they chose another with the
    language switcher (its cookie)."""
    request.scope["language"] = language
    set_language(language)


def family_required(endpoint: Endpoint) -> Endpoint:
    """A page for a signed-in guardian, in the guardian's language unless they chose
    another with the switcher; anyone else is sent to ask for a sign-in link."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        visitor = await guardian_access.visitor_for_session(request.cookies.get(FAMILY_COOKIE))
        if visitor is None:
            return redirect(SIGN_IN)
        request.scope["family_visitor"] = visitor
        if LANG_COOKIE not in request.cookies:
            _speak(request, visitor.language)
        return await endpoint(request)

    return guarded


async def sign_in_request(request: Request) -> Response:
    """Ask for a link by email. The answer is the same for every address."""
    if request.method == "GET":
        return _page(request, "family/sign_in.html")
    values = await form_data(request)
    try:
        data = parse(forms.SignInLinkForm, values)
    except DomainError as error:
        return render_form(request, "family/sign_in.html", values=values, error=error)
    await guardian_access.request_link(
        data.email,
        settings=request.app.state.settings,
        limiter=request.app.state.rate_limiter,
    )
    return _page(
        request,
        "family/link_sent.html",
        {
            "email": data.email,
            "minutes": int(guardian_access.LINK_MAX_AGE.total_seconds() // 60),
        },
    )


async def sign_in(request: Request) -> Response:
    """The emailed link: a page with a button, so that a mail scanner opening the link
    does not use it up; the button signs in."""
    token = request.path_params["token"]
    language = await guardian_access.link_language(token)
    if language and LANG_COOKIE not in request.cookies:
        _speak(request, language)
    try:
        visitor = await guardian_access.check_link(token)
        if request.method == "GET":
            return _page(request, "family/sign_in_confirm.html", {"visitor": visitor})
        key = await guardian_access.sign_in(token)
    except DomainError as error:
        return _page(
            request, "family/link_invalid.html", {"message": error.translated()}, status_code=400
        )
    response = redirect("/family")
    response.set_cookie(
        FAMILY_COOKIE,
        key,
        max_age=int(guardian_access.SESSION_MAX_AGE.total_seconds()),
        path="/family",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.https,
    )
    return response


async def sign_out(request: Request) -> Response:
    await guardian_access.sign_out(request.cookies.get(FAMILY_COOKIE))
    flash(request, gettext("You are signed out of the family page."))
    response = redirect(SIGN_IN)
    response.delete_cookie(FAMILY_COOKIE, path="/family")
    return response


@family_required
async def home(request: Request) -> Response:
    teens = await services.teens(_visitor(request).email)
    if len(teens) == 1:
        return redirect(f"/family/teens/{teens[0].member.id}")
    return _page(request, "family/home.html", {"teens": teens})


async def _teen(request: Request) -> guardianship.Guardianship:
    """The teen of the URL, if they are this guardian's; any other id is "not found"."""
    return await guardianship.guardianship(_visitor(request).email, request.path_params["id"])


@family_required
async def teen_page(request: Request) -> Response:
    teen = await _teen(request)
    others = len(await services.teens(_visitor(request).email)) - 1
    return _page(
        request,
        "family/teen.html",
        {
            "page": await services.teen_page(teen),
            "other_teens": others,
            "version": consent_texts.VERSION,
        },
    )


SAME = N_("Nothing changed: that was already your answer.")
OUTCOME_MESSAGES = {
    (Outcome.APPLIED, True): N_("Done. Your permission applies from now on."),
    (Outcome.APPLIED, False): N_("Done. The permission is withdrawn, everywhere, from now on."),
    (Outcome.AWAITS_CONFIRMATION, True): N_(
        "Saved. It applies once the YO-C team has confirmed that you are the parent or "
        "guardian, usually with a short phone call."
    ),
    (Outcome.HELD, True): N_(
        "Another parent or guardian said otherwise. Their answer stays for now, and the "
        "YO-C team will contact you both."
    ),
    (Outcome.UNCHANGED, True): SAME,
    (Outcome.UNCHANGED, False): SAME,
}


@family_required
async def change_consent(request: Request) -> Response:
    teen = await _teen(request)
    try:
        purpose = ConsentPurpose(request.path_params["purpose"])
    except ValueError:
        return error_page(request, 404)
    values = await form_data(request)
    try:
        data = parse(forms.ConsentChangeForm, values)
    except DomainError as error:
        return render_form(
            request,
            "family/teen.html",
            values={**values, "purpose": purpose.value},
            error=error,
            context={
                "page": await services.teen_page(teen),
                "family_visitor": _visitor(request),
                "other_teens": 0,
                "version": consent_texts.VERSION,
            },
        )
    outcome = await guardian_view.change(
        teen,
        purpose,
        data.granted,
        email=_visitor(request).email,
        language=request.scope["language"],
        public_name_choice=data.public_name_choice,
        nickname=data.nickname,
    )
    # Public pages (the lineup, badges) show the change at once.
    forget_shared_pages(request)
    flash(
        request,
        gettext(OUTCOME_MESSAGES[(outcome, data.granted)]),
        "error" if outcome == Outcome.HELD else "success",
    )
    return redirect(f"/family/teens/{teen.member.id}#{purpose.value}")


@family_required
async def reminders(request: Request) -> Response:
    """Which reminders about their teens the guardian gets by email (none until chosen)."""
    email = _visitor(request).email
    if request.method == "POST":
        form = await request.form()
        chosen = chosen_kinds([v for v in form.getlist("kinds") if isinstance(v, str)])
        await choices.choose_for_guardian(email, chosen)
        flash(request, gettext("Your reminder choices are saved."))
        return redirect("/family/reminders")
    return _page(
        request,
        "family/reminders.html",
        {"kinds": list(ReminderKind), "chosen": await choices.for_guardian(email)},
    )


routes = [
    Route(SIGN_IN, sign_in_request, methods=["GET", "POST"], name="family:sign_in_request"),
    Route("/family/sign-in/{token}", sign_in, methods=["GET", "POST"], name="family:sign_in"),
    Route("/family/sign-out", sign_out, methods=["POST"], name="family:sign_out"),
    Route("/family", home, name="family:home"),
    Route("/family/reminders", reminders, methods=["GET", "POST"], name="family:reminders"),
    Route("/family/teens/{id:id}", teen_page, name="family:teen"),
    Route(
        "/family/teens/{id:id}/consent/{purpose}",
        change_consent,
        methods=["POST"],
        name="family:consent",
    ),
]
