"""The guard of member features, for the route modules of every domain that has them."""

from __future__ import annotations

import functools

from starlette.requests import Request
from starlette.responses import Response

from yoc.http import Endpoint, current_user, member_required, render
from yoc.members.enums import MemberStatus
from yoc.members.services import profiles


def active_member_required(endpoint: Endpoint) -> Endpoint:
    """A member feature: until the guardian's consent and staff approval are in, the
    member sees what they are waiting for (403)."""

    @member_required
    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        overview = await profiles.member_overview(current_user(request))
        if overview["profile"] is None or overview["profile"].status != MemberStatus.ACTIVE:
            return render(request, "members/pending.html", overview, status_code=403)
        return await endpoint(request)

    return guarded
