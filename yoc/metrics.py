"""Prometheus metrics at ``/metrics``, for a scraper holding ``YOC_METRICS_TOKEN``.

Two kinds of figures, each kept where it is true for a site served by several processes
on several machines:

- The site's figures (orders by status, tickets checked in, the outbox's queue and the
  age of its oldest message, the worker's rounds) are read from the database at scrape
  time, a handful of cheap queries on indexed columns. They are facts about the whole
  site: every process and machine answers the same, the worker (which serves no HTTP) is
  counted through the rows it writes, and nothing needs summing across processes.
  prometheus-client's multiprocess mode could only share counters between the processes
  of one machine, through files, and would lose them with the machine.
- Request counts and latencies belong to the process that served the request, so they
  are counted in memory, labelled with the route's template (``/tickets/{secret}``, never
  the path as typed: paths hold secrets) and summed by Prometheus across its targets.
  Several processes on one machine (``yoc serve --workers N``) share theirs through
  prometheus-client's multiprocess files, which ``yoc serve`` sets up; any of them then
  answers for all.
"""

from __future__ import annotations

import hmac
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yoc import cache
from yoc.mail import MailStatus, OutboxMessage
from yoc.timeutil import utcnow

# The stamp (yoc.cache) that counts the worker's completed rounds, on every machine.
WORKER_ROUNDS = "worker.rounds"
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# A method outside these is one label, so odd requests cannot make new series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Requests that matched no route share one label: their paths are whatever was typed.
UNMATCHED = "unmatched"
_CONVERTOR = re.compile(r"\{(\w+):\w+\}")


@dataclass(frozen=True)
class Figure:
    """One sample of a site figure: ``kind`` is "gauge" or "counter" (named without
    ``_total``, which the exposition adds)."""

    name: str
    help: str
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)
    kind: str = "gauge"


FigureSource = Callable[[], Awaitable[list[Figure]]]


async def mail_and_worker_figures() -> list[Figure]:
    """The outbox's queue and lag, and the worker's rounds, from the database."""
    queued = OutboxMessage.filter(status=MailStatus.QUEUED)
    count = await queued.count()
    oldest = await queued.order_by("id").limit(1).values_list("created_at", flat=True)
    lag = max(0.0, (utcnow() - oldest[0]).total_seconds()) if oldest else 0.0
    return [
        Figure("yoc_outbox_queued", "Messages waiting in the outbox to be sent.", count),
        Figure(
            "yoc_outbox_lag_seconds",
            "Age of the oldest message waiting in the outbox (0 when none waits).",
            lag,
        ),
        Figure(
            "yoc_worker_rounds",
            "Rounds of background jobs completed by any worker.",
            await cache.version(WORKER_ROUNDS),
            kind="counter",
        ),
    ]


def _families(figures: Iterable[Figure]) -> list[Metric]:
    families: dict[str, Metric] = {}
    for figure in figures:
        family = families.get(figure.name)
        if family is None:
            kind = CounterMetricFamily if figure.kind == "counter" else GaugeMetricFamily
            family = families[figure.name] = kind(
                figure.name, figure.help, labels=list(figure.labels)
            )
        family.add_metric(list(figure.labels.values()), figure.value)
    return list(families.values())


class _Scrape:
    """What one scrape shows: the request metrics and the figures just read."""

    def __init__(self, requests: CollectorRegistry | MultiProcessCollector, figures: list[Figure]):
        self.requests = requests
        self.figures = figures

    def collect(self) -> Iterable[Metric]:
        yield from self.requests.collect()
        yield from _families(self.figures)


class Metrics:
    def __init__(self, *, token: str, sources: Sequence[FigureSource] = ()) -> None:
        self.token = token
        self.sources = tuple(sources)
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "yoc_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "yoc_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "other"
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def authorized(self, authorization: str) -> bool:
        """Whether the header carries the token; compared in constant time."""
        scheme, _, given = authorization.partition(" ")
        return (
            bool(self.token)
            and scheme.lower() == "bearer"
            and hmac.compare_digest(given.strip().encode(), self.token.encode())
        )

    async def exposition(self) -> bytes:
        figures = [figure for source in self.sources for figure in await source()]
        if os.environ.get(MULTIPROCESS_DIR):
            requests: CollectorRegistry | MultiProcessCollector = MultiProcessCollector(None)
        else:
            requests = self.registry
        return generate_latest(_Scrape(requests, figures))


def route_label(scope: Scope) -> str:
    """The template of the route that answered (its path parameters' names, never their
    values), or ``unmatched``."""
    path = getattr(scope.get("route"), "path", None)
    return _CONVERTOR.sub(r"{\1}", path) if path else UNMATCHED


class MetricsMiddleware:
    """Count each HTTP request and how long it took to answer, by route template."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            self.metrics.observe(
                scope["method"], route_label(scope), status, time.perf_counter() - started
            )


async def metrics_page(request: Request) -> Response:
    """Without a token configured there is nothing here (404); a missing or wrong one is
    refused (401)."""
    metrics: Metrics = request.app.state.metrics
    if not metrics.token:
        raise HTTPException(404)
    if not metrics.authorized(Headers(scope=request.scope).get("authorization", "")):
        return PlainTextResponse(
            "A bearer token is needed.", status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    return Response(await metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


routes = [Route("/metrics", metrics_page, name="metrics")]
