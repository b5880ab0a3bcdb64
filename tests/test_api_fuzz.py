"""The JSON API, fuzzed from its own OpenAPI document (schemathesis): for requests that
follow the document and for requests that break it, anonymous and with a staff token,
every answer is no server error and is what the document says (a documented status, its
content type and its schema).

``make test`` runs the same few examples per operation each time; ``make fuzz`` many more
(YOC_FUZZ_EXAMPLES), new ones each run (YOC_FUZZ_RANDOM)."""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import TEST_SECRET
from tests.factories import make_user
from tests.tickets.factories import bearer_for, make_event, make_order, make_ticket_type
from yoc import __version__
from yoc.accounts.enums import Role
from yoc.apidoc import openapi_document
from yoc.events.models import Event
from yoc.settings import Settings
from yoc.tickets.models import Ticket, TicketType
from yoc.web import create_app

EXAMPLES = int(os.environ.get("YOC_FUZZ_EXAMPLES", "15"))
# The same examples each run (the suite), unless asked for new ones (make fuzz).
RANDOM = bool(os.environ.get("YOC_FUZZ_RANDOM"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _document() -> dict[str, Any]:
    """The document the app serves at /api/v1/openapi.json (built from its route table,
    which needs no database)."""
    app = create_app(Settings(env="test", secret_key=TEST_SECRET, run_jobs_in_process=False))
    return openapi_document(
        app.routes, base_url="http://testserver", title="YO-C platform API", version=__version__
    )


schema = schemathesis.openapi.from_dict(_document())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    deterministic=not RANDOM,
    database="none",
)


@pytest.fixture
async def callers(app) -> dict[str, dict[str, str]]:
    """Request headers of each kind of caller, and something for them to find: an event
    with a ticket type, under the slug the fuzzer tries first."""
    event = await make_event(slug="the-hue")
    await make_ticket_type(event)
    return {"anonymous": {}, "staff": await bearer_for(await make_user(role=Role.STAFF))}


async def _send(client: httpx.AsyncClient, case, headers: dict[str, str]) -> httpx.Response:
    sent = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    body: dict[str, Any] = {}
    if "json" in sent:
        body["json"] = sent["json"]
    elif sent.get("data") is not None:
        body["content"] = sent["data"]
    # A client may send any bytes in a header (an Authorization of "Bearer \x80", say);
    # httpx takes only ASCII text there, so such values go as their UTF-8 bytes.
    headers = {
        name: value if value.isascii() else value.encode()
        for name, value in (sent.get("headers") or {}).items()
    }
    return await client.request(
        sent["method"],
        sent["url"],
        params=sent.get("params") or None,
        headers=headers or None,
        **body,
    )


@pytest.mark.parametrize("who", ["anonymous", "staff"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=not RANDOM,
)
async def test_api_answers_as_documented(case, who: str, client, callers) -> None:
    response = await _send(client, case, callers[who])

    case.validate_response(response, checks=CHECKS)


# Answers the fuzzer rarely reaches, checked against the document the same way ---------


async def test_a_check_in_answers_as_documented(client, callers, settings) -> None:
    event = await Event.get(slug="the-hue")
    order = await make_order(event, settings, {await TicketType.get(event=event): 1}, payment=None)
    ticket = await Ticket.get(order=order)
    case = schema["/api/v1/checkin"]["POST"].Case(
        body={"event": "the-hue", "secret": ticket.secret, "gate": "North"}
    )

    response = await _send(client, case, callers["staff"])

    assert (response.status_code, response.json()["result"]) == (200, "ok")
    case.validate_response(response, checks=CHECKS)


async def test_an_order_and_its_retry_answer_as_documented(client, callers) -> None:
    ticket_type = await TicketType.get(event__slug="the-hue")
    case = schema["/api/v1/events/{slug}/orders"]["POST"].Case(
        path_parameters={"slug": "the-hue"},
        headers={"Idempotency-Key": "order-1"},
        body={
            "buyer": {"name": "Ana Torres", "email": "ana@example.org"},
            "items": [{"ticket_type": ticket_type.id, "quantity": 1}],
        },
    )

    placed = await _send(client, case, callers["anonymous"])
    retried = await _send(client, case, callers["anonymous"])

    assert (placed.status_code, retried.status_code) == (201, 200)
    assert retried.json()["code"] == placed.json()["code"]
    case.validate_response(placed, checks=CHECKS)
    case.validate_response(retried, checks=CHECKS)
