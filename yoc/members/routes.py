"""A member's own pages (profile, consent, data) and the guardian's consent page."""

from __future__ import annotations

import json
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import DomainError, ValidationFailed
from yoc.forms import parse
from yoc.http import (
    current_user,
    error_page,
    flash,
    forget_shared_pages,
    form_data,
    limit_mail,
    may_look_up,
    member_required,
    redirect,
    render,
    render_form,
)
from yoc.i18n import gettext, set_language
from yoc.members import consent_texts, forms
from yoc.members.enums import ConsentPurpose
from yoc.members.guards import active_member_required
from yoc.members.services import consent, guardianship, notes, privacy, profiles, standing
from yoc.security import verify_password
from yoc.timeutil import utcnow


async def apply(request: Request) -> Response:
    if current_user(request):
        return redirect("/dashboard")
    context = {
        "participation_text": consent_texts.text(
            ConsentPurpose.PARTICIPATION, request.scope["language"]
        )
    }
    if request.method == "GET":
        return render(request, "members/apply.html", context)
    values = await form_data(request)
    settings = request.app.state.settings
    try:
        try:
            data = parse(
                forms.ApplicationForm, values, context={"today": standing.today(settings.timezone)}
            )
        except ValidationFailed as refused:
            raise await _with_guardian_email_problem(request, values, refused) from None
        await limit_mail(request, "signup", data.email)
        await profiles.apply(
            name=data.name,
            email=data.email,
            password=data.password,
            language=data.language,
            birth_date=data.birth_date,
            community=data.community,
            guardian=data.guardian(),
            settings=settings,
        )
    except profiles.TooYoung as error:
        return render(
            request, "members/too_young.html", {"message": error.translated()}, status_code=422
        )
    except DomainError as error:
        return render_form(
            request,
            "members/apply.html",
            values=values,
            error=error,
            context=context,
            keep_passwords=True,
        )
    # The same page whether or not the address already had an account: its owner got
    # an email either way.
    return render(request, "members/apply_sent.html", {"email": data.email})


async def _with_guardian_email_problem(
    request: Request, values: dict[str, str], refused: ValidationFailed
) -> ValidationFailed:
    """The refused application's problems, and whether a minor's guardian email belongs
    to an account: told now, not on the next try once the rest is right. That says
    whether an address has an account, so it counts against the client's sign-up limit,
    as a sign-up that goes through does; past the limit it is left for later."""
    email = values.get("guardian_email", "").strip()
    settings = request.app.state.settings
    try:
        born = date.fromisoformat(values.get("birth_date", ""))
    except ValueError:
        return refused
    if (
        not email
        or "guardian_email" in refused.fields
        or not profiles.needs_guardian(born, standing.today(settings.timezone))
        or not await may_look_up(request, "signup")
    ):
        return refused
    try:
        await guardianship.check_guardian_email(
            email, member_email=values.get("email", ""), field="guardian_email"
        )
    except ValidationFailed as more:
        return ValidationFailed({**refused.fields, **more.fields}, refused.code)
    return refused


@member_required
async def my_profile(request: Request) -> Response:
    user = current_user(request)
    overview = await profiles.member_overview(user)
    shared = await notes.notes_for(user, user)
    return render(request, "members/my_profile.html", {**overview, "notes": shared})


@member_required
async def edit_profile(request: Request) -> Response:
    user = current_user(request)
    overview = await profiles.member_overview(user)
    if request.method == "GET":
        profile = overview["profile"]
        values = {field: getattr(profile, field) or "" for field in profiles.PROFILE_FIELDS}
        return render(request, "members/profile_edit.html", {**overview, "values": values})
    values = await form_data(request)
    try:
        data = parse(forms.ProfileForm, values)
        await profiles.update_profile(actor=user, member=user, changes=data.model_dump())
    except DomainError as error:
        return render_form(
            request, "members/profile_edit.html", values=values, error=error, context=overview
        )
    flash(request, gettext("Your profile is saved."))
    return redirect("/me/profile")


@member_required
async def upload_photo(request: Request) -> Response:
    user = current_user(request)
    form = await request.form(max_part_size=profiles.PHOTO_MAX_BYTES + 1024)
    upload = form.get("photo")
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise ValidationFailed({"photo": "Choose a JPEG, PNG or WebP picture."})
        await profiles.set_photo(actor=user, member=user, data=await upload.read())
    except DomainError as error:
        message = (
            error.translated_fields()["photo"]
            if isinstance(error, ValidationFailed)
            else error.translated()
        )
        flash(request, message, "error")
        return redirect("/me/profile/edit")
    finally:
        await form.close()
    flash(request, gettext("Your photo is saved."))
    return redirect("/me/profile")


@member_required
async def remove_photo(request: Request) -> Response:
    await profiles.remove_photo(actor=current_user(request), member=current_user(request))
    flash(request, gettext("Your photo has been removed."))
    return redirect("/me/profile")


def _photo_response(picture) -> Response:
    # Never stored by any cache, so a withdrawn photo release takes effect at once.
    return Response(
        picture.data, media_type=picture.content_type, headers={"Cache-Control": "no-store"}
    )


async def photo(request: Request) -> Response:
    """A member's photo on private pages: for the member, their mentors and staff."""
    picture = await profiles.photo_for(current_user(request), request.path_params["id"], via="web")
    return _photo_response(picture)


async def public_photo(request: Request) -> Response:
    """A member's photo on public pages, by its random key, while a photo release is in
    force."""
    return _photo_response(await profiles.public_photo(request.path_params["key"]))


@member_required
async def add_guardian(request: Request) -> Response:
    user = current_user(request)
    values = await form_data(request)
    try:
        data = parse(forms.GuardianForm, values)
        if data.email:
            # The consent form goes to whatever address was typed: limited like any
            # page that sends mail, per address and per client.
            await limit_mail(request, "consent", data.email)
        await profiles.add_guardian(
            actor=user, member=user, settings=request.app.state.settings, **data.model_dump()
        )
    except DomainError as error:
        overview = await profiles.member_overview(user)
        return render_form(
            request,
            "members/my_profile.html",
            values=values,
            error=error,
            context={**overview, "notes": []},
        )
    flash(
        request,
        gettext(
            "Your guardian is saved. If we have their email, they will receive the consent form."
        ),
    )
    return redirect("/me/profile")


@member_required
async def resend_consent(request: Request) -> Response:
    user = current_user(request)
    for address in await profiles.guardian_addresses(user):
        await limit_mail(request, "consent", address)
    sent = await profiles.resend_consent_request(
        actor=user, member=user, settings=request.app.state.settings
    )
    if sent:
        flash(request, gettext("We sent the consent form to your guardian again."))
    else:
        flash(
            request,
            gettext("Add your guardian’s email first, or ask the YO-C team for a paper form."),
            "error",
        )
    return redirect("/me/profile")


def _purpose(request: Request) -> ConsentPurpose | None:
    try:
        return ConsentPurpose(request.path_params["purpose"])
    except ValueError:
        return None


@member_required
async def revoke_consent(request: Request) -> Response:
    user = current_user(request)
    purpose = _purpose(request)
    if purpose is None or purpose == ConsentPurpose.PARTICIPATION:
        return error_page(request, 404)
    try:
        await consent.revoke(actor=user, member=user, purpose=purpose)
    except DomainError as error:
        flash(request, error.translated(), "error")
        return redirect("/me/profile")
    flash(request, gettext("Done. Your choice is saved."))
    return redirect("/me/profile")


@member_required
async def grant_consent(request: Request) -> Response:
    """Adults decide for themselves; for a minor, a guardian must."""
    user = current_user(request)
    purpose = _purpose(request)
    if purpose not in (ConsentPurpose.PHOTO_RELEASE, ConsentPurpose.TEXT_MESSAGES):
        return error_page(request, 404)
    if await profiles.is_minor(user):
        return error_page(
            request, 403, gettext("Your parent or guardian gives this permission for you.")
        )
    await consent.set_own(user, purpose, True, language=request.scope["language"])
    flash(request, gettext("Done. Your choice is saved."))
    return redirect("/me/profile")


@member_required
async def guardian_view(request: Request) -> Response:
    """From 16, a member chooses whether the family page shows their learning progress."""
    values = await form_data(request)
    hidden = values.get("hide_progress") == "1"
    await profiles.set_progress_hidden(current_user(request), hidden)
    flash(
        request,
        gettext("Your family page no longer shows your learning progress.")
        if hidden
        else gettext("Your family page shows your learning progress again."),
    )
    return redirect("/me/profile#guardians")


@active_member_required
async def my_group(request: Request) -> Response:
    user = current_user(request)
    overview = await profiles.member_overview(user)
    return render(
        request, "members/my_group.html", {**overview, "notes": await notes.notes_for(user, user)}
    )


@member_required
async def my_data(request: Request) -> Response:
    pending = await privacy.pending_deletion(current_user(request))
    return render(request, "members/my_data.html", {"deletion": pending})


@member_required
async def my_data_json(request: Request) -> Response:
    data = await privacy.export_data(current_user(request))
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="my-yoc-data.json"',
            "Cache-Control": "no-store",
        },
    )


@member_required
async def my_data_all(request: Request) -> Response:
    """The same record as the download, as a page to read and print."""
    record = await privacy.data_record(current_user(request))
    context = {
        "record": record,
        "now": utcnow(),
        "base_url": request.app.state.settings.base_url,
    }
    response = render(request, "members/my_data_all.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


@member_required
async def request_deletion(request: Request) -> Response:
    user = current_user(request)
    values = await form_data(request)
    try:
        data = parse(forms.DeletionForm, values)
        if not verify_password(user.password_hash, data.password)[0]:
            raise ValidationFailed({"password": "Your current password is not right."})
        await privacy.request_deletion(member=user, reason=data.reason)
    except DomainError as error:
        return render_form(
            request, "members/my_data.html", values=values, error=error, context={"deletion": None}
        )
    flash(
        request,
        gettext("We received your request. An admin will delete your data soon."),
    )
    return redirect("/me/data")


@member_required
async def cancel_deletion(request: Request) -> Response:
    await privacy.cancel_deletion(member=current_user(request))
    flash(request, gettext("Your request is cancelled. Your data stays."))
    return redirect("/me/data")


async def guardian_consent(request: Request) -> Response:
    """The page a guardian opens from the email; no account is needed."""
    token = request.path_params["token"]
    try:
        consent_request = await consent.open_request(token)
    except DomainError as error:
        return render(
            request,
            "members/consent_invalid.html",
            {"message": error.translated()},
            status_code=400,
        )
    guardian = consent_request.guardian
    if "lang" not in request.cookies:
        # The guardian's own language, as in the email, unless they switched on the page.
        request.scope["language"] = guardian.language
        set_language(guardian.language)
    language = request.scope["language"]
    context = {
        "guardian": guardian,
        "member": guardian.member,
        "texts": {p.value: consent_texts.text(p, language) for p in ConsentPurpose},
        "version": consent_texts.VERSION,
    }
    if request.method == "GET":
        return render(
            request,
            "members/consent_form.html",
            {**context, "values": {"public_name_choice": "first_initial"}},
        )
    values = await form_data(request)
    try:
        data = parse(forms.GuardianConsentForm, values)
        answered = await consent.guardian_decides(
            token,
            participation=data.participation == "agree",
            photo_release=data.photo_release,
            text_messages=data.text_messages,
            public_name_choice=data.public_name_choice,
            nickname=data.nickname,
            language=language,
        )
    except DomainError as error:
        return render_form(
            request, "members/consent_form.html", values=values, error=error, context=context
        )
    # A photo or a name may have come into force for public pages.
    forget_shared_pages(request)
    return render(
        request,
        "members/consent_done.html",
        {**context, "agreed": data.participation == "agree", "answered": answered},
    )


routes = [
    Route("/signup", apply, methods=["GET", "POST"], name="members:apply"),
    Route("/me/profile", my_profile, name="members:my_profile"),
    Route("/me/profile/edit", edit_profile, methods=["GET", "POST"], name="members:edit"),
    Route("/me/photo", upload_photo, methods=["POST"], name="members:photo_upload"),
    Route("/me/photo/remove", remove_photo, methods=["POST"], name="members:photo_remove"),
    Route("/members/{id:id}/photo", photo, name="members:photo"),
    Route("/photos/{key}", public_photo, name="members:public_photo"),
    Route("/me/guardians", add_guardian, methods=["POST"], name="members:add_guardian"),
    Route("/me/consent/resend", resend_consent, methods=["POST"], name="members:resend"),
    Route("/me/guardian-view", guardian_view, methods=["POST"], name="members:guardian_view"),
    Route("/me/consent/{purpose}/revoke", revoke_consent, methods=["POST"], name="members:revoke"),
    Route("/me/consent/{purpose}/grant", grant_consent, methods=["POST"], name="members:grant"),
    Route("/me/group", my_group, name="members:my_group"),
    Route("/me/data", my_data, name="members:my_data"),
    Route("/me/data.json", my_data_json, name="members:my_data_json"),
    Route("/me/data/all", my_data_all, name="members:my_data_all"),
    Route("/me/delete", request_deletion, methods=["POST"], name="members:delete"),
    Route("/me/delete/cancel", cancel_deletion, methods=["POST"], name="members:delete_cancel"),
    Route("/consent/{token}", guardian_consent, methods=["GET", "POST"], name="members:consent"),
]
