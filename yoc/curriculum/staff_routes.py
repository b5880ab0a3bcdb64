"""Mentors: review, record attendance, see the group's grid. Staff: edit the curriculum
and export progress. (Assigning is in assignment_routes.)"""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.curriculum import forms
from yoc.curriculum.enums import ActivityKind, Completion
from yoc.curriculum.services import attachments, catalog, dashboards, practice, progress
from yoc.errors import DomainError, NotFound, ValidationFailed
from yoc.forms import parse, whole_number
from yoc.http import (
    cached_fragment,
    current_user,
    error_page,
    flash,
    form_data,
    redirect,
    render,
    render_form,
    requires,
)
from yoc.i18n import N_, gettext, ngettext
from yoc.members.services import cohorts, privacy
from yoc.members.services.access import audit_list_read, audit_read
from yoc.permissions import Action
from yoc.soapbox.services import proposals


@requires(Action.VIEW_MEMBERS)
async def reviews(request: Request) -> Response:
    viewer = current_user(request)
    queue = await dashboards.review_queue(viewer)
    await audit_list_read(viewer, {p.member_id: p.member for p in queue}.values(), via="web")
    return render(
        request,
        "curriculum/reviews.html",
        {"queue": queue, "proposals_from": await _proposals_from(queue)},
    )


async def _proposals_from(queue: list) -> dict:
    """The Soapbox proposals that grew from these reflections, by reflection."""
    return await proposals.speeches_from_reflections([p.id for p in queue])


@requires(Action.VIEW_MEMBERS)
async def reflection(request: Request) -> Response:
    """One reflection, its history, and the proposals that grew from it."""
    viewer = current_user(request)
    row, events = await progress.reflection_for(viewer, request.path_params["id"])
    await audit_read(viewer, row.member, via="web")
    return render(
        request,
        "curriculum/reflection.html",
        {
            "p": row,
            "events": events,
            "speeches": (await proposals.speeches_from_reflections([row.id])).get(row.id, []),
        },
    )


@requires(Action.VIEW_MEMBERS)
async def practice_speech(request: Request) -> Response:
    """A mentor marks a member's practice speech delivered, with rubric feedback."""
    viewer = current_user(request)
    cohort = await cohorts.visible_cohort(viewer, request.path_params["id"])
    member_id = request.path_params["member_id"]
    if member_id not in {m.id for m in await cohorts.roster(cohort)}:
        raise NotFound(N_("We could not find that member."), "not_found")
    found = await practice.practice_of(viewer, request.path_params["activity_id"], member_id)
    back = f"/cohorts/{cohort.id}/attendance/{found.activity.id}"
    context = {
        "cohort": cohort,
        "found": found,
        "criteria": practice.criteria(),
        "levels": practice.levels(),
        "readable_scores": practice.readable,
        "back": back,
    }
    if request.method == "POST":
        values = await form_data(request)
        try:
            data = parse(forms.PracticeForm, values)
            await practice.record(
                mentor=viewer,
                activity_id=found.activity.id,
                member_id=member_id,
                scores=data.scores(),
                comments=data.comments,
            )
        except NotFound:
            raise
        except DomainError as error:
            return render_form(
                request, "curriculum/practice.html", values=values, error=error, context=context
            )
        flash(
            request,
            gettext(
                "%(name)s's practice speech is marked delivered, with your feedback.",
                name=found.member.name,
            ),
        )
        return redirect(back)
    await audit_read(viewer, found.member, via="web")
    return render(request, "curriculum/practice.html", {**context, "values": {}})


@requires(Action.VIEW_MEMBERS)
async def review(request: Request) -> Response:
    values = await form_data(request)
    try:
        data = parse(forms.ReviewForm, values)
        await progress.review(
            mentor=current_user(request),
            progress_id=request.path_params["id"],
            approve=data.decision == "approve",
            feedback=data.feedback,
            settings=request.app.state.settings,
        )
    except NotFound:
        raise  # no such reflection, or not this mentor's to review: the 404 page
    except DomainError as error:
        return render_form(
            request,
            "curriculum/reviews.html",
            values=values,
            error=error,
            context={
                "queue": (queue := await dashboards.review_queue(current_user(request))),
                "proposals_from": await _proposals_from(queue),
                "failed": request.path_params["id"],
            },
        )
    flash(
        request,
        gettext("Approved. The member is told by email.")
        if data.decision == "approve"
        else gettext("Returned with your feedback. The member is told by email."),
    )
    return redirect("/mentor/reviews")


@requires(Action.VIEW_MEMBERS)
async def cohort_progress(request: Request) -> Response:
    viewer = current_user(request)
    cohort = await cohorts.visible_cohort(viewer, request.path_params["id"], with_mentors=False)
    version = await dashboards.grid_version(cohort)
    await audit_list_read(
        viewer, version.members, via="web", minors={m.id for m in version.members if m.minor}
    )
    table = await cached_fragment(
        request,
        request.app.state.grid_fragments,
        "curriculum/_grid_table.html",
        version.key,
        lambda: dashboards.cohort_grid(cohort, version.members),
    )
    return render(request, "curriculum/grid.html", {"cohort": cohort, "table": table})


@requires(Action.MANAGE_MEMBERS)
async def cohort_progress_csv(request: Request) -> Response:
    viewer = current_user(request)
    cohort = await cohorts.visible_cohort(viewer, request.path_params["id"])
    grid = await dashboards.cohort_grid(cohort)
    await audit_list_read(viewer, [m for m, _ in grid["rows"]], via="csv")
    header = ["member"] + [m.title_en for m in grid["modules"]]
    rows = [[m.name] + [cell or "" for cell in cells] for m, cells in grid["rows"]]
    name = f"progress-{cohort.slug}-{date.today().isoformat()}.csv"
    return Response(
        privacy.to_csv(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@requires(Action.VIEW_MEMBERS)
async def attendance(request: Request) -> Response:
    viewer = current_user(request)
    cohort = await cohorts.visible_cohort(viewer, request.path_params["id"])
    activity = await catalog.get_activity(
        request.path_params["activity_id"], completion=Completion.ATTENDANCE
    )
    if activity.kind == ActivityKind.PRACTICE_NIGHT:
        # Each practice speech is recorded on its own, with feedback.
        return render(
            request,
            "curriculum/practice_night.html",
            {
                "cohort": cohort,
                "activity": activity,
                "members": await practice.roster_states(activity, await cohorts.roster(cohort)),
            },
        )
    if request.method == "POST":
        form = await request.form()
        ids = [n for v in form.getlist("member_ids") if (n := whole_number(v)) is not None]
        roster_ids = {m.id for m in await cohorts.roster(cohort)}
        marked = await progress.record_attendance(
            mentor=viewer,
            activity_id=activity.id,
            member_ids=[i for i in ids if i in roster_ids],
        )
        flash(
            request,
            ngettext(
                "Attendance saved for %(num)d member.",
                "Attendance saved for %(num)d members.",
                marked,
            ),
        )
        return redirect(f"/cohorts/{cohort.id}/progress")
    return render(
        request,
        "curriculum/attendance.html",
        {"cohort": cohort, "activity": activity, "members": await cohorts.roster(cohort)},
    )


# The curriculum editor ------------------------------------------------------------


@requires(Action.MANAGE_MEMBERS)
async def editor(request: Request) -> Response:
    return render(
        request, "curriculum/editor.html", {"tracks": await catalog.tracks(include_retired=True)}
    )


@requires(Action.MANAGE_MEMBERS)
async def track_create(request: Request) -> Response:
    values = await form_data(request)
    try:
        track = await catalog.create_track(**parse(forms.TrackForm, values).model_dump())
    except DomainError as error:
        return render_form(
            request,
            "curriculum/editor.html",
            values=values,
            error=error,
            context={"tracks": await catalog.tracks(include_retired=True)},
        )
    flash(request, gettext("The track is created. Now add its modules."))
    return redirect(f"/staff/curriculum/tracks/{track.id}")


@requires(Action.MANAGE_MEMBERS)
async def track_edit(request: Request) -> Response:
    track = await catalog.get_track(request.path_params["id"])
    stored = {k: getattr(track, k) for k in ("title_en", "title_es", "summary_en", "summary_es")}
    context = {"track": track, "stored": stored}
    if request.method == "GET":
        return render(
            request,
            "curriculum/track_edit.html",
            {**context, "values": stored},
        )
    values = await form_data(request)
    try:
        data = parse(forms.TrackForm, values)
        if values.get("add") == "module":
            module = await catalog.create_module(track_id=track.id, **data.model_dump())
            flash(request, gettext("The module is added. Now add its activities."))
            return redirect(f"/staff/curriculum/modules/{module.id}")
        await catalog.update_track(track.id, **data.model_dump())
    except DomainError as error:
        return render_form(
            request, "curriculum/track_edit.html", values=values, error=error, context=context
        )
    flash(request, gettext("Saved."))
    return redirect(f"/staff/curriculum/tracks/{track.id}")


@requires(Action.MANAGE_MEMBERS)
async def module_edit(request: Request) -> Response:
    module = await catalog.get_module(request.path_params["id"])
    siblings = [
        m
        for m in await catalog.tracks(include_retired=False)
        for m in m.modules
        if m.id != module.id
    ]
    stored = {
        k: getattr(module, k)
        for k in ("title_en", "title_es", "summary_en", "summary_es", "milestone")
    }
    stored["prerequisite_ids"] = [p.id for p in module.prerequisites]
    context = {"module": module, "others": siblings, "stored": stored}
    if request.method == "GET":
        return render(request, "curriculum/module_edit.html", {**context, "values": stored})
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        if values.get("add") == "activity":
            data = parse(forms.ActivityForm, values)
            await catalog.create_activity(module_id=module.id, **data.model_dump())
            flash(request, gettext("The activity is added."))
        else:
            values["prerequisite_ids"] = form.getlist("prerequisite_ids")
            data = parse(forms.ModuleForm, values)
            fields = data.model_dump()
            await catalog.update_module(
                module.id, prerequisite_ids=fields.pop("prerequisite_ids"), **fields
            )
            flash(request, gettext("Saved."))
    except DomainError as error:
        return render_form(
            request, "curriculum/module_edit.html", values=values, error=error, context=context
        )
    return redirect(f"/staff/curriculum/modules/{module.id}")


ACTIVITY_FIELDS = (
    "title_en",
    "title_es",
    "prompt_en",
    "prompt_es",
    "kind",
    "completion",
    "body_en",
    "body_es",
    "video_url",
)


async def _activity_context(activity_id: int) -> dict:
    activity = await catalog.get_activity(activity_id)
    found = await attachments.infos([activity.id])
    return {"activity": activity, "attachment": found.get(activity.id)}


@requires(Action.MANAGE_MEMBERS)
async def activity_edit(request: Request) -> Response:
    context = await _activity_context(request.path_params["id"])
    activity = context["activity"]
    if request.method == "GET":
        values = {k: getattr(activity, k) for k in ACTIVITY_FIELDS}
        return render(request, "curriculum/activity_edit.html", {**context, "values": values})
    values = await form_data(request)
    try:
        await catalog.update_activity(activity.id, **parse(forms.ActivityForm, values).model_dump())
    except DomainError as error:
        return render_form(
            request, "curriculum/activity_edit.html", values=values, error=error, context=context
        )
    flash(request, gettext("Saved. Work members already finished stays as it was."))
    return redirect(f"/staff/curriculum/modules/{activity.module_id}")


@requires(Action.MANAGE_MEMBERS)
async def attachment_upload(request: Request) -> Response:
    context = await _activity_context(request.path_params["id"])
    activity = context["activity"]
    form = await request.form(max_part_size=attachments.ATTACHMENT_MAX_BYTES + 1024)
    upload = form.get("attachment")
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise ValidationFailed({"attachment": attachments.NO_FILE})
        await attachments.attach(activity.id, filename=upload.filename, data=await upload.read())
    except DomainError as error:
        values = {k: getattr(activity, k) for k in ACTIVITY_FIELDS}
        return render_form(
            request, "curriculum/activity_edit.html", values=values, error=error, context=context
        )
    finally:
        await form.close()
    flash(request, gettext("The file is attached. Members see it with the activity."))
    return redirect(f"/staff/curriculum/activities/{activity.id}")


@requires(Action.MANAGE_MEMBERS)
async def attachment_remove(request: Request) -> Response:
    activity = await catalog.get_activity(request.path_params["id"])
    await attachments.detach(activity.id)
    flash(request, gettext("The file is removed."))
    return redirect(f"/staff/curriculum/activities/{activity.id}")


@requires(Action.MANAGE_MEMBERS)
async def rearrange(request: Request) -> Response:
    kind, item_id = request.path_params["kind"], request.path_params["id"]
    if kind not in catalog.MODELS:
        return error_page(request, 404)
    values = await form_data(request)
    action = values.get("action")
    if action in ("up", "down"):
        await catalog.move(kind, item_id, -1 if action == "up" else 1)
    elif action in ("retire", "restore"):
        await catalog.set_retired(kind, item_id, action == "retire")
    else:
        return error_page(request, 400)
    return redirect(
        values.get("back")
        if str(values.get("back", "")).startswith("/staff/curriculum")
        else "/staff/curriculum"
    )


routes = [
    Route("/mentor/reviews", reviews, name="curriculum:reviews"),
    Route("/mentor/reviews/{id:id}", review, methods=["POST"], name="curriculum:review"),
    Route("/cohorts/{id:id}/progress", cohort_progress, name="curriculum:grid"),
    Route("/cohorts/{id:id}/progress.csv", cohort_progress_csv, name="curriculum:grid_csv"),
    Route(
        "/cohorts/{id:id}/practice/{activity_id:id}/{member_id:id}",
        practice_speech,
        methods=["GET", "POST"],
        name="curriculum:practice",
    ),
    Route("/mentor/reflections/{id:id}", reflection, name="curriculum:reflection"),
    Route(
        "/cohorts/{id:id}/attendance/{activity_id:id}",
        attendance,
        methods=["GET", "POST"],
        name="curriculum:attendance",
    ),
    Route("/staff/curriculum", editor, name="curriculum:editor"),
    Route(
        "/staff/curriculum/tracks", track_create, methods=["POST"], name="curriculum:track_create"
    ),
    Route(
        "/staff/curriculum/tracks/{id:id}",
        track_edit,
        methods=["GET", "POST"],
        name="curriculum:track",
    ),
    Route(
        "/staff/curriculum/modules/{id:id}",
        module_edit,
        methods=["GET", "POST"],
        name="curriculum:module_edit",
    ),
    Route(
        "/staff/curriculum/activities/{id:id}",
        activity_edit,
        methods=["GET", "POST"],
        name="curriculum:activity_edit",
    ),
    Route(
        "/staff/curriculum/activities/{id:id}/attachment",
        attachment_upload,
        methods=["POST"],
        name="curriculum:attachment_upload",
    ),
    Route(
        "/staff/curriculum/activities/{id:id}/attachment/remove",
        attachment_remove,
        methods=["POST"],
        name="curriculum:attachment_remove",
    ),
    Route(
        "/staff/curriculum/{kind:str}/{id:id}/arrange",
        rearrange,
        methods=["POST"],
        name="curriculum:arrange",
    ),
]
