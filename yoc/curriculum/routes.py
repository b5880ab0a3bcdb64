"""The member's side of the curriculum: modules and activities, badges."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc.curriculum import forms
from yoc.curriculum.services import attachments, badges, dashboards, path, practice, progress
from yoc.errors import DomainError, NotFound
from yoc.forms import parse, whole_number
from yoc.http import current_user, flash, form_data, member_required, redirect, render, render_form
from yoc.i18n import gettext
from yoc.members.guards import active_member_required
from yoc.members.services.profiles import WITHHELD, public_name
from yoc.soapbox.services import journey as soapbox_journey
from yoc.soapbox.services import proposals


async def _module_context(request: Request, module_id: int) -> dict:
    member = current_user(request)
    page = await dashboards.module_page(member, module_id)
    written = [i.progress.id for i in page.items if i.progress and i.progress.body]
    return {
        "module": page.module,
        "assignment": page.assignment,
        "locked_by": page.locked_by,
        "items": page.items,
        "practice": await practice.feedback_by_activity(
            member, [i.activity.id for i in page.items]
        ),
        "readable_scores": practice.readable,
        "proposals_from": await proposals.speeches_from_reflections(written),
    }


@active_member_required
async def my_path(request: Request) -> Response:
    """Every track and module, and where the member is in each."""
    member = current_user(request)
    found = await path.my_path(member)
    steps = sorted(
        [*await path.journey(member), *await soapbox_journey.speech_steps(member)],
        key=lambda step: step.at,
    )
    return render(
        request,
        "curriculum/path.html",
        {"path": found, "journey": steps, "readable_scores": practice.readable},
    )


@active_member_required
async def module_page(request: Request) -> Response:
    context = await _module_context(request, request.path_params["id"])
    return render(request, "curriculum/module.html", context)


async def _act(request: Request, action) -> Response:
    member = current_user(request)
    activity_id = request.path_params["id"]
    values = await form_data(request)
    try:
        row = await action(member, activity_id, values)
    except NotFound:
        raise  # a missing activity is the 404 page, not a message beside it
    except DomainError as error:
        # The module's page again, with the message beside the activity.
        # No such module: its page is the 404 page.
        module_id = whole_number(values.get("module")) or 0
        context = await _module_context(request, module_id)
        return render_form(
            request,
            "curriculum/module.html",
            values=values,
            error=error,
            context={**context, "failed_activity": activity_id},
        )
    activity = await row.activity
    return redirect(f"/learn/modules/{activity.module_id}#activity-{activity_id}")


@active_member_required
async def start(request: Request) -> Response:
    return await _act(request, lambda m, a, v: progress.start(m, a))


@active_member_required
async def done(request: Request) -> Response:
    async def act(member, activity_id, values):
        row = await progress.mark_done(member, activity_id)
        flash(request, gettext("Well done! This activity is complete."))
        return row

    return await _act(request, act)


@active_member_required
async def reflect(request: Request) -> Response:
    async def act(member, activity_id, values):
        data = parse(forms.ReflectionForm, values)
        row = await progress.submit_reflection(member, activity_id, data.body)
        flash(request, gettext("Your reflection is sent. Your mentor will read it soon."))
        return row

    return await _act(request, act)


async def attachment(request: Request) -> Response:
    """An activity's file, for whoever may see the activity; 404 for anyone else, signed
    in or not."""
    found = await attachments.download(current_user(request), request.path_params["id"])
    return Response(
        found.data,
        media_type=found.content_type,
        headers={
            "Content-Disposition": content_disposition(found.filename),
            # Only for the people who may see it, and never run as a page of this site.
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


def content_disposition(filename: str) -> str:
    """Download it under its name, in any language (RFC 6266), with a plain fallback."""
    plain = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


@member_required
async def my_badges(request: Request) -> Response:
    return render(
        request,
        "curriculum/badges.html",
        {"badges": await badges.badges_of(current_user(request))},
    )


@member_required
async def share_badge(request: Request) -> Response:
    values = await form_data(request)
    badge = await badges.set_public(
        current_user(request), request.path_params["id"], values.get("public") == "1"
    )
    flash(
        request,
        gettext("Your badge can now be seen by anyone with its link.")
        if badge.public
        else gettext("Your badge is private again."),
    )
    return redirect("/badges")


async def badge_page(request: Request) -> Response:
    uid = request.path_params["uid"]
    as_json = uid.endswith(".json")
    badge = await badges.public_badge(uid.removesuffix(".json"))
    name = await public_name(badge.member)
    if as_json:
        body = await badges.open_badge(
            badge, base_url=request.app.state.settings.base_url, recipient_name=name
        )
        return JSONResponse(body, media_type="application/ld+json")
    return render(
        request,
        "curriculum/badge_public.html",
        {
            "badge": badge,
            "recipient": name or gettext(WITHHELD),
            "criteria": await badges.criteria(badge),
        },
    )


routes = [
    Route("/learn", my_path, name="curriculum:path"),
    Route("/learn/modules/{id:id}", module_page, name="curriculum:module"),
    Route("/learn/activities/{id:id}/start", start, methods=["POST"], name="curriculum:start"),
    Route("/learn/activities/{id:id}/done", done, methods=["POST"], name="curriculum:done"),
    Route(
        "/learn/activities/{id:id}/reflection",
        reflect,
        methods=["POST"],
        name="curriculum:reflect",
    ),
    Route(
        "/learn/activities/{id:id}/attachment",
        attachment,
        name="curriculum:attachment",
    ),
    Route("/badges", my_badges, name="curriculum:badges"),
    Route("/badges/{id:id}/share", share_badge, methods=["POST"], name="curriculum:share"),
    Route("/badges/{uid:str}", badge_page, name="curriculum:badge"),
]
