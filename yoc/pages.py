"""Home, dashboard, language switcher and health check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc import health, privacy_notice
from yoc.accounts import forms
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.curriculum.services import dashboards
from yoc.errors import DomainError
from yoc.forms import parse
from yoc.http import (
    cached_fragment,
    current_user,
    form_data,
    login_required,
    redirect,
    render,
    safe_next,
)
from yoc.i18n import LANGUAGES
from yoc.i18n import set_language as use_language
from yoc.members.enums import MemberStatus
from yoc.members.services import cohorts as members
from yoc.members.services import profiles
from yoc.middleware import LANG_COOKIE
from yoc.participation.services import meetings
from yoc.soapbox.services import proposals
from yoc.volunteers.services import rosters


async def home(request: Request) -> Response:
    return render(request, "pages/home.html")


@login_required
async def dashboard(request: Request) -> Response:
    user = current_user(request)
    context: dict = {"cohorts": [], "counts": {}, "overview": None, "learning": None}
    if user.role == Role.MEMBER:
        context["overview"] = overview = await profiles.member_home(user)
        if overview["profile"] and overview["profile"].status == MemberStatus.ACTIVE:
            context["learning"] = await cached_fragment(
                request,
                request.app.state.learning_fragments,
                "pages/_learning.html",
                await dashboards.learning_version(user),
                lambda: _learning(user),
            )
            context["speech_card"] = await proposals.speech_card(user)
            context["meetings"] = await meetings.upcoming_for(user, limit=3)
        context["shifts"] = await rosters.upcoming_for(user)
    elif user.role == Role.MENTOR:
        context["cohorts"] = await members.cohorts_for(user)
        context["reviews"] = len(await dashboards.review_queue(user))
        context["speech_reviews"] = len(await proposals.review_queue(user))
    else:
        context["counts"] = await members.people_counts()
    return render(request, "pages/dashboard.html", context)


async def _learning(user) -> dict:
    return {"learning": await dashboards.member_dashboard(user)}


async def set_language(request: Request) -> Response:
    values = await form_data(request)
    back = safe_next(values.get("next"), "/")
    try:
        data = parse(forms.LanguageForm, values)
    except DomainError:
        return redirect(back)
    if user := current_user(request):
        await accounts.set_language(user, data.lang)
    response = redirect(back)
    response.set_cookie(
        LANG_COOKIE,
        data.lang,
        max_age=365 * 24 * 3600,
        samesite="lax",
        httponly=True,  # read by the server only
        secure=request.app.state.settings.https,
    )
    return response


async def privacy(request: Request) -> Response:
    """What YO-C keeps about a member, and why. ``?lang=es`` opens it in a language (the
    link in a guardian's consent form names theirs)."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        request.scope["language"] = asked
        use_language(asked)
    settings = request.app.state.settings
    contact = privacy_notice.contact_links(
        settings.contact_email, settings.contact_phone, settings.contact_phone_uri
    )
    notice = privacy_notice.notice_html(request.scope["language"], str(contact))
    return render(request, "pages/privacy.html", {"notice": notice})


async def healthz(request: Request) -> Response:
    """Whether this deployment can do its work (yoc.health): 503 says what is wrong."""
    checks = await health.report(request.app.state.settings)
    if health.healthy(checks):
        return JSONResponse({"status": "ok", **checks})
    return JSONResponse({"status": "error", **checks}, status_code=503)


async def livez(request: Request) -> Response:
    """The process is up and answers; nothing else is asked (not even the database)."""
    return JSONResponse({"status": "ok"})


routes = [
    Route("/", home, name="pages:home"),
    Route("/dashboard", dashboard, name="pages:dashboard"),
    Route("/language", set_language, methods=["POST"], name="pages:language"),
    Route("/privacy", privacy, name="pages:privacy"),
    Route("/healthz", healthz, name="pages:healthz"),
    Route("/livez", livez, name="pages:livez"),
]
