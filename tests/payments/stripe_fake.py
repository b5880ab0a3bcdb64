"""A small local stand-in for Stripe's HTTP API: the real `stripe` library talks to it
over real HTTP, as it would to api.stripe.com.

It serves the few endpoints the app uses (Checkout Sessions, refunds), keeps Stripe's
rules that matter to us (sessions live 30 minutes to 24 hours, a completed session
cannot be expired, a charge cannot be refunded beyond its amount, idempotency keys
replay the first answer and refuse different parameters), and records every request.
A session's ``url`` opens a bare checkout page whose "Pay" button completes the session
and sends the browser to its ``success_url``, as Stripe's page does.
Helper methods play the customer and Stripe's dashboard and build the webhook events
Stripe would send.
"""

from __future__ import annotations

import asyncio
import copy
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

# Stripe: "It can be anywhere from 30 minutes to 24 hours after Checkout Session
# creation." The allowance covers the second the request spends on the wire.
MIN_SESSION_SECONDS = 30 * 60
MAX_SESSION_SECONDS = 24 * 3600
CLOCK_ALLOWANCE_SECONDS = 5

_KEY_PART = re.compile(r"\[([^\]]*)\]")


def _id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def parse_form(body: bytes) -> dict[str, Any]:
    """Stripe's form encoding (``a[b][0][c]=1``) back into nested dicts and lists."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        head = key.split("[", 1)[0]
        parts = [head, *_KEY_PART.findall(key[len(head) :])]
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        last = parts[-1]
        if last == "":  # "expand[]=x": a list without indexes
            node.setdefault("", []).append(value)
        else:
            node[last] = value
    return _lists(result)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if set(node) == {""}:
        return node[""]
    if node and all(k.isdigit() for k in node):
        return [_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _lists(v) for k, v in node.items()}


def _answer(body: dict[str, Any], status: int = 200, **headers: str) -> JSONResponse:
    # No keep-alive: a client that is never closed (the app's StripeClient lives as long
    # as the app) then leaves no open socket behind for the garbage collector to warn about.
    return JSONResponse(body, status_code=status, headers={"Connection": "close", **headers})


def _error(
    status: int, kind: str, message: str, *, code: str = "", param: str = ""
) -> JSONResponse:
    body: dict[str, Any] = {"type": kind, "message": message}
    if code:
        body["code"] = code
    if param:
        body["param"] = param
    return _answer({"error": body}, status)


@dataclass
class ReceivedRequest:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None


@dataclass
class _Payment:
    intent: str
    charge: str
    amount: int
    metadata: dict[str, str]
    refunded: int = 0


@dataclass
class _Fault:
    method: str
    path: str
    times: int
    status: int = 0  # answer this error status...
    seconds: float = 0.0  # ...or wait this long before answering


@dataclass
class FakeStripe:
    """Start with ``start()``, stop with ``stop()``; ``url`` is its API base."""

    api_key: str
    url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[ReceivedRequest] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)  # those made through the API
    # The events of sessions paid on the checkout page, for the test to deliver.
    events: list[dict[str, Any]] = field(default_factory=list)
    _payments: dict[str, _Payment] = field(default_factory=dict)  # by payment intent
    _session_payment: dict[str, str] = field(default_factory=dict)  # session -> intent
    _idempotent: dict[str, tuple[str, dict[str, Any], int, dict]] = field(default_factory=dict)
    _faults: list[_Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    # The server -----------------------------------------------------------------

    def start(self) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        app = Starlette(
            routes=[
                Route("/v1/checkout/sessions", self._create_session, methods=["POST"]),
                Route("/v1/checkout/sessions/{id}", self._get_session, methods=["GET"]),
                Route("/v1/checkout/sessions/{id}/expire", self._expire, methods=["POST"]),
                Route("/v1/refunds", self._create_refund, methods=["POST"]),
                # The hosted checkout page the session's ``url`` sends the buyer to.
                Route("/c/pay/{id}", self._checkout_page, methods=["GET"]),
                Route("/c/pay/{id}", self._pay, methods=["POST"]),
            ]
        )
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            http="h11",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake Stripe server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)

    # What the tests ask ---------------------------------------------------------

    def received(self, method: str, path: str) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    def only_session(self) -> dict[str, Any]:
        with self._lock:
            assert len(self.sessions) == 1, f"{len(self.sessions)} sessions"
            return copy.deepcopy(next(iter(self.sessions.values())))

    def session(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self.sessions[session_id])

    # Breaking on demand -----------------------------------------------------------

    def fail(self, method: str, path: str, *, times: int = 1, status: int = 500) -> None:
        """The next ``times`` requests to ``path`` are answered ``status``, before
        anything is done (so no idempotent answer is saved for them)."""
        with self._lock:
            self._faults.append(_Fault(method, path, times, status=status))

    def hang(self, method: str, path: str, *, seconds: float, times: int = 1) -> None:
        """The next ``times`` requests to ``path`` wait ``seconds`` before being served."""
        with self._lock:
            self._faults.append(_Fault(method, path, times, seconds=seconds))

    def _fault(self, method: str, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and (fault.method, fault.path) == (method, path):
                    fault.times -= 1
                    return fault
        return None

    # The customer and the dashboard ----------------------------------------------

    def complete(self, session_id: str) -> dict[str, Any]:
        """The buyer pays on Stripe's page; returns the ``checkout.session.completed`` event."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise AssertionError(f"a {session['status']} session cannot be paid")
            intent = _id("pi")
            session.update(status="complete", payment_status="paid", payment_intent=intent)
            self._payments[intent] = _Payment(
                intent=intent,
                charge=_id("ch"),
                amount=session["amount_total"],
                # Stripe copies the PaymentIntent's metadata to its charge.
                metadata=dict(session["_payment_intent_metadata"]),
            )
            self._session_payment[session_id] = intent
            return self._event("checkout.session.completed", self._public(session))

    def expire_event(self, session_id: str) -> dict[str, Any]:
        """Stripe expires the session (its own deadline or our call); returns the event."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] == "open":
                session["status"] = "expired"
            return self._event("checkout.session.expired", self._public(session))

    def charge_refunded_event(self, session_id: str, amount: int | None = None) -> dict[str, Any]:
        """Someone refunds in Stripe's dashboard (all that is left, or ``amount``);
        returns the ``charge.refunded`` event."""
        with self._lock:
            payment = self._payments[self._session_payment[session_id]]
            payment.refunded += payment.amount - payment.refunded if amount is None else amount
            charge = {
                "id": payment.charge,
                "object": "charge",
                "amount": payment.amount,
                "amount_captured": payment.amount,
                "amount_refunded": payment.refunded,
                "currency": "usd",
                "paid": True,
                "refunded": payment.refunded >= payment.amount,
                "payment_intent": payment.intent,
                "metadata": dict(payment.metadata),
                "status": "succeeded",
            }
            return self._event("charge.refunded", charge)

    def _event(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": _id("evt"),
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": kind,
        }

    @staticmethod
    def _public(session: dict[str, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in session.items() if not k.startswith("_")}

    # The endpoints (run in the server's thread) -----------------------------------

    async def _read(self, request: Request) -> tuple[dict[str, Any], JSONResponse | None]:
        params = parse_form(await request.body()) if request.method == "POST" else {}
        params.update(parse_form(request.url.query.encode()))
        key = request.headers.get("idempotency-key")
        with self._lock:
            self.requests.append(ReceivedRequest(request.method, request.url.path, params, key))
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return params, _error(
                401, "invalid_request_error", "Invalid API Key provided.", code="api_key_invalid"
            )
        fault = self._fault(request.method, request.url.path)
        if fault and fault.seconds:
            await asyncio.sleep(fault.seconds)
        elif fault:
            return params, _error(fault.status, "api_error", "Something went wrong on our end.")
        return params, None

    def _replay(self, request: Request, params: dict[str, Any]) -> JSONResponse | None:
        key = request.headers.get("idempotency-key")
        if not key:
            return None
        seen = self._idempotent.get(key)
        if seen is None:
            return None
        path, first_params, status, body = seen
        if path != request.url.path or first_params != params:
            return _error(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters "
                f"they were first used with. Try using a key other than '{key}' if you "
                "meant to execute a different request.",
            )
        return _answer(body, status, **{"Idempotent-Replayed": "true"})

    def _remember(self, request: Request, params: dict[str, Any], body: dict) -> JSONResponse:
        key = request.headers.get("idempotency-key")
        if key:
            self._idempotent[key] = (request.url.path, params, 200, body)
        return _answer(body)

    async def _checkout_page(self, request: Request) -> Response:
        """Stripe's checkout page, reduced to the amount and a "Pay" button."""
        with self._lock:
            session = self.sessions.get(request.path_params["id"])
            if session is None or session["status"] != "open":
                return HTMLResponse("<!doctype html><title>Checkout</title><p>Not open.", 404)
            amount = f"{session['amount_total'] / 100:.2f} {str(session['currency']).upper()}"
            email = session["customer_email"] or ""
        return HTMLResponse(
            "<!doctype html><html lang=en><meta name=viewport content='width=device-width'>"
            f"<title>Checkout</title><main><h1>Pay {escape(amount)}</h1>"
            f"<p class=email>{escape(email)}</p>"
            f"<form method=post action='/c/pay/{escape(session['id'])}'>"
            "<button type=submit>Pay</button></form></main></html>"
        )

    async def _pay(self, request: Request) -> Response:
        """The buyer pays: the session completes, and the buyer goes to its success_url
        (its ``checkout.session.completed`` event waits in ``events``)."""
        session_id = request.path_params["id"]
        with self._lock:
            session = self.sessions.get(session_id)
            if session is None or session["status"] != "open":
                return HTMLResponse("<!doctype html><title>Checkout</title><p>Not open.", 409)
        event = self.complete(session_id)
        with self._lock:
            self.events.append(event)
        return RedirectResponse(session["success_url"], status_code=303)

    async def _create_session(self, request: Request) -> JSONResponse:
        params, failed = await self._read(request)
        if failed:
            return failed
        with self._lock:
            replay = self._replay(request, params)
            if replay:
                return replay
            now = int(time.time())
            expires_at = int(params.get("expires_at") or now + MAX_SESSION_SECONDS)
            if expires_at < now + MIN_SESSION_SECONDS - CLOCK_ALLOWANCE_SECONDS:
                return _error(
                    400,
                    "invalid_request_error",
                    "The `expires_at` timestamp must be at least 30 minutes from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
            if expires_at > now + MAX_SESSION_SECONDS:
                return _error(
                    400,
                    "invalid_request_error",
                    "The `expires_at` timestamp must be less than 24 hours from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
            items = params.get("line_items", [])
            amount = sum(int(i["quantity"]) * int(i["price_data"]["unit_amount"]) for i in items)
            session_id = _id("cs")
            session = {
                "id": session_id,
                "object": "checkout.session",
                "url": f"{self.url}/c/pay/{session_id}",
                "mode": params.get("mode"),
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": amount,
                "amount_subtotal": amount,
                "currency": items[0]["price_data"]["currency"] if items else "usd",
                "customer_email": params.get("customer_email"),
                "client_reference_id": params.get("client_reference_id"),
                "metadata": params.get("metadata", {}),
                "locale": params.get("locale"),
                "created": now,
                "expires_at": expires_at,
                "success_url": params.get("success_url"),
                "cancel_url": params.get("cancel_url"),
                "payment_intent": None,
                "livemode": False,
                "_payment_intent_metadata": params.get("payment_intent_data", {}).get(
                    "metadata", {}
                ),
            }
            self.sessions[session_id] = session
            return self._remember(request, params, self._public(session))

    async def _get_session(self, request: Request) -> JSONResponse:
        _, failed = await self._read(request)
        if failed:
            return failed
        with self._lock:
            session = self.sessions.get(request.path_params["id"])
            if session is None:
                return _missing("checkout session", request.path_params["id"])
            return _answer(self._public(session))

    async def _expire(self, request: Request) -> JSONResponse:
        _, failed = await self._read(request)
        if failed:
            return failed
        with self._lock:
            session = self.sessions.get(request.path_params["id"])
            if session is None:
                return _missing("checkout session", request.path_params["id"])
            if session["status"] != "open":
                return _error(
                    400,
                    "invalid_request_error",
                    f'Only Checkout Sessions with a status in ["open"] can be expired. '
                    f'This Checkout Session has a status of "{session["status"]}".',
                )
            session["status"] = "expired"
            return _answer(self._public(session))

    async def _create_refund(self, request: Request) -> JSONResponse:
        params, failed = await self._read(request)
        if failed:
            return failed
        with self._lock:
            replay = self._replay(request, params)
            if replay:
                return replay
            intent = params.get("payment_intent")
            if not intent:
                return _error(
                    400,
                    "invalid_request_error",
                    "One of the following params should be provided for this request: "
                    "payment_intent or charge.",
                    code="parameter_missing",
                )
            payment = self._payments.get(intent)
            if payment is None:
                return _missing("payment_intent", intent)
            left = payment.amount - payment.refunded
            amount = int(params.get("amount", left))
            if left <= 0:
                return _error(
                    400,
                    "invalid_request_error",
                    f"Charge {payment.charge} has already been refunded.",
                    code="charge_already_refunded",
                )
            if amount > left:
                return _error(
                    400,
                    "invalid_request_error",
                    f"Refund amount (${amount / 100:.2f}) is greater than unrefunded amount "
                    f"on charge (${left / 100:.2f})",
                    code="amount_too_large",
                    param="amount",
                )
            payment.refunded += amount
            body = {
                "id": _id("re"),
                "object": "refund",
                "amount": amount,
                "currency": "usd",
                "charge": payment.charge,
                "payment_intent": intent,
                "metadata": params.get("metadata", {}),
                "status": "succeeded",
                "created": int(time.time()),
            }
            self.refunds.append(body)
            return self._remember(request, params, body)


def _missing(what: str, ident: str) -> JSONResponse:
    return _error(
        404,
        "invalid_request_error",
        f"No such {what}: '{ident}'",
        code="resource_missing",
        param="id",
    )
