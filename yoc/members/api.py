"""JSON API for members and cohorts (mentors: their own groups; staff: everyone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc import paging
from yoc.api.schemas import CohortList, CohortOut, MemberList, MemberOut
from yoc.apidoc import Param, documented
from yoc.errors import NotFound
from yoc.forms import MAX_ID, parse
from yoc.http import api_auth, current_user
from yoc.i18n import N_
from yoc.members.enums import MemberStatus
from yoc.members.forms import MemberQuery
from yoc.members.services import cohorts, directory
from yoc.members.services.access import audit_list_read, audit_read, visible_member
from yoc.members.services.standing import ADULT_AGE, age_on, today

if TYPE_CHECKING:
    from yoc.accounts.models import User


def member_out(member: User) -> dict:
    profile = directory.profile_of(member)
    return MemberOut(
        id=member.id,
        name=member.name,
        email=member.email,
        language=member.language,
        display_name=profile.display_name if profile else member.name,
        pronouns=profile.pronouns if profile else "",
        community=profile.community.value if profile else None,
        school=profile.school if profile else "",
        grade=profile.grade if profile else None,
        status=profile.status.value if profile else None,
        minor=bool(profile and age_on(profile.birth_date, today()) < ADULT_AGE),
    ).model_dump(mode="json")


def cohort_out(cohort) -> dict:
    return CohortOut(
        id=cohort.id,
        name=cohort.name,
        slug=cohort.slug,
        community=cohort.community.value if cohort.community else None,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        members=len(cohort.members),
        mentors=[m.name for m in cohort.mentors],
    ).model_dump(mode="json")


MEMBER_FILTERS = (
    *paging.PARAMS,
    Param("q", {"type": "string", "maxLength": 100}, "A part of the name, display name or email."),
    Param("group", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "A group's id."),
    Param("state", {"type": "string", "enum": [s.value for s in MemberStatus]}),
)


@documented(
    "Members, by name, a page at a time: a mentor's groups, or everyone for staff; filters "
    "by group and state (where the application stands)",
    MemberList,
    errors=(403, 422),
    query=MEMBER_FILTERS,
)
@api_auth
async def members(request: Request) -> Response:
    viewer = current_user(request)
    window = paging.requested(request)
    query = parse(MemberQuery, dict(request.query_params))
    filters = directory.MemberFilters(
        q=query.q, cohort=query.group, status=query.state.value if query.state else ""
    )
    page = await directory.members_page(viewer, filters, window)
    await audit_list_read(viewer, page.items, via="api")
    return JSONResponse(
        {"members": [member_out(m) for m in page.items], "next": paging.next_link(request, page)}
    )


@documented("One member: themselves, their mentors, or staff", MemberOut, errors=(404,))
@api_auth
async def member(request: Request) -> Response:
    viewer = current_user(request)
    found = await visible_member(viewer, request.path_params["id"])
    await audit_read(viewer, found, via="api")
    return JSONResponse(member_out(found))


@documented(
    "Groups, by name, a page at a time: a mentor's own, or all for staff",
    CohortList,
    errors=(422,),
    query=paging.PARAMS,
)
@api_auth
async def cohort_list(request: Request) -> Response:
    viewer = current_user(request)
    window = paging.requested(request)
    if viewer.role.value == "member":
        return JSONResponse({"cohorts": [], "next": None})
    page = await cohorts.cohorts_page(viewer, window)
    return JSONResponse(
        {"cohorts": [cohort_out(c) for c in page.items], "next": paging.next_link(request, page)}
    )


@documented(
    "The members of one group, by name, a page at a time",
    MemberList,
    errors=(404, 422),
    query=paging.PARAMS,
)
@api_auth
async def cohort_members(request: Request) -> Response:
    viewer = current_user(request)
    window = paging.requested(request)
    if viewer.role.value == "member":
        raise NotFound(N_("We could not find that group."), "not_found")
    cohort = await cohorts.visible_cohort(viewer, request.path_params["id"])
    page = await cohorts.roster_page(cohort, window)
    await audit_list_read(viewer, page.items, via="api")
    return JSONResponse(
        {"members": [member_out(m) for m in page.items], "next": paging.next_link(request, page)}
    )


routes = [
    Route("/api/v1/members", members, name="api:members"),
    Route("/api/v1/members/{id:id}", member, name="api:member"),
    Route("/api/v1/cohorts", cohort_list, name="api:cohorts"),
    Route("/api/v1/cohorts/{id:id}/members", cohort_members, name="api:cohort_members"),
]
