"""`make soak`: mixed traffic for a long while against the app served as in production.

    YOC_DATABASE_URL=postgres://user@host/yoc_bench python -m tests.benchmarks.soak

Two `yoc serve` workers on the PostgreSQL database named by YOC_DATABASE_URL (emptied
first, as `make bench` does; its name must contain "bench" or "test") get, for
SOAK_SECONDS (default 600), what a festival week brings: visitors reading the festival
page and the lineup, buyers placing orders, the gate scanning tickets, members and
mentors signing in and opening their pages. It reports the answers by kind, the errors,
and each worker's memory once warmed up and at the end. It fails (exit status 1) on any
server error or dropped connection, or if a worker's memory grew by more than 20%.

Not part of `make test`: it takes ten minutes and measures a machine, not the code.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from tests.benchmarks import dataset
from tests.benchmarks.run import (
    APP_PORT,
    WORKERS,
    BenchError,
    _gate_codes,
    app_env,
    database_url,
    orm,
    reset_database,
    serve,
    worker_rss,
)

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
WARM_UP = min(60.0, SECONDS / 10)  # memory is taken as the baseline after this
CLIENTS = 16
ORDERS = 2_000
GROWTH_LIMIT = 0.20
PAGES = ("/events/{festival}", "/events/{festival}/lineup", "/", "/events")


class Traffic:
    def __init__(self, base: str, data: dataset.DataSet, codes: list[str]) -> None:
        self.base = base
        self.data = data
        self.codes = codes
        self.answers: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.sequence = 0

    async def page(self, client: httpx.AsyncClient) -> None:
        path = random.choice(PAGES).format(festival=self.data.gate.slug)
        self.record("page", await client.get(path))

    async def order(self, client: httpx.AsyncClient, type_id: int, slug: str) -> None:
        self.sequence += 1
        response = await client.post(
            f"/api/v1/events/{slug}/orders",
            json={
                "buyer": {"name": "Soak Buyer", "email": f"soak-{self.sequence}@example.org"},
                "items": [{"ticket_type": type_id, "quantity": random.randint(1, 3)}],
            },
        )
        self.record("order", response)

    async def scan(self, client: httpx.AsyncClient) -> None:
        self.sequence += 1
        response = await client.post(
            "/api/v1/checkin",
            json={
                "secret": random.choice(self.codes),
                "event": self.data.gate.slug,
                "gate": "Main gate",
                "scan_id": f"soak-{time.time_ns()}-{self.sequence}",
            },
            headers={"Authorization": f"Bearer door_{dataset.DOOR_CODE}"},
        )
        self.record("scan", response)

    async def sign_in(self, client: httpx.AsyncClient) -> None:
        email = random.choice([self.data.member_email, self.data.mentor_email])
        page = await client.get("/login")
        self.record("sign-in page", page)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if token is None:
            self.errors["sign-in page without a form"] += 1
            return
        cookie = _cookie(page)
        answer = await client.post(
            "/login",
            data={"email": email, "password": dataset.PASSWORD, "csrf_token": token.group(1)},
            headers={"Cookie": cookie},
        )
        self.record("sign-in", answer, expected=303)
        if answer.status_code == 303:
            self.record(
                "dashboard", await client.get("/dashboard", headers={"Cookie": _cookie(answer)})
            )

    def record(self, kind: str, response: httpx.Response, *, expected: int = 0) -> None:
        status = response.status_code
        if status >= 500 or (expected and status != expected):
            self.errors[f"{kind}: {status}"] += 1
        else:
            self.answers[f"{kind}: {status}"] += 1

    async def client(self, until: float, type_id: int, slug: str) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:
            while time.monotonic() < until:
                roll = random.random()
                try:
                    if roll < 0.55:
                        await self.page(client)
                    elif roll < 0.70:
                        await self.order(client, type_id, slug)
                    elif roll < 0.90:
                        await self.scan(client)
                    else:
                        await self.sign_in(client)
                except httpx.TransportError as error:
                    self.errors[f"connection: {type(error).__name__}"] += 1


def _cookie(response: httpx.Response) -> str:
    for value in response.headers.get_list("set-cookie"):
        if value.startswith("yoc_session="):
            return value.split(";", 1)[0]
    return ""


async def _sale_event():
    """An event that never sells out during the soak: buyers keep buying."""
    from datetime import UTC, datetime, timedelta

    from yoc.events.models import Event
    from yoc.tickets.enums import Pricing
    from yoc.tickets.models import TicketType

    starts = datetime.now(UTC) + timedelta(days=30)
    event = await Event.create(
        slug="soak-sale",
        name_en="Soak sale",
        name_es="Venta de prueba",
        venue="Mecca Community Park",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        capacity=10_000_000,
        published=True,
    )
    ticket_type = await TicketType.create(
        event=event, name_en="General", name_es="General", pricing=Pricing.FREE, max_per_order=4
    )
    return event, ticket_type


def _megabytes(kb: list[int]) -> str:
    return ", ".join(f"{k / 1024:.0f} MB" for k in kb)


async def main() -> int:
    url, note = database_url()
    if note:
        print(f"note: {note}")
    work = Path(tempfile.mkdtemp(prefix="yoc-soak-"))
    print(f"Loading the data set into {url.split('@')[-1]} ...")
    await reset_database(url)
    async with orm(url):
        data = await dataset.load(orders=ORDERS)
        codes = await _gate_codes(data.gate)
        event, ticket_type = await _sale_event()
    env = {
        **app_env(url),
        # Everyone comes from this machine's one address: the per-address limits would
        # stop the soak, not test the app.
        "YOC_LOGIN_CLIENT_LIMIT": "100000000",
        "YOC_CODE_LIMIT": "100000000",
    }
    base = f"http://127.0.0.1:{APP_PORT}"
    command = [
        str(Path(sys.executable).with_name("yoc")),
        "serve",
        "--port",
        str(APP_PORT),
        "--workers",
        str(WORKERS),
    ]
    traffic = Traffic(base, data, codes)
    with serve(command, env, f"{base}/livez", work / "app.log") as app:
        started = time.monotonic()
        until = started + SECONDS
        clients = [
            asyncio.create_task(traffic.client(until, ticket_type.id, event.slug))
            for _ in range(CLIENTS)
        ]
        await asyncio.sleep(WARM_UP)
        baseline = worker_rss(app)
        print(f"Worker memory after {WARM_UP:.0f} s: {_megabytes(baseline)}")
        await asyncio.gather(*clients)
        final = worker_rss(app)
        elapsed = time.monotonic() - started
    print(f"Worker memory after {elapsed:.0f} s: {_megabytes(final)}")
    total = sum(traffic.answers.values()) + sum(traffic.errors.values())
    print(f"{total:,} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s) from {CLIENTS} clients")
    for kind, n in sorted(traffic.answers.items()):
        print(f"  {kind:<24} {n:>8,}")
    for kind, n in sorted(traffic.errors.items()):
        print(f"  ERROR {kind:<18} {n:>8,}")
    failed = bool(traffic.errors)
    grown = [(b, f) for b, f in zip(baseline, final, strict=False) if f > b * (1 + GROWTH_LIMIT)]
    if len(baseline) != len(final):
        print("FAIL: the number of workers changed (one restarted?)")
        failed = True
    for b, f in grown:
        print(f"FAIL: a worker grew from {b / 1024:.0f} MB to {f / 1024:.0f} MB (> 20%)")
        failed = True
    print("FAIL" if failed else "PASS: no errors; no worker grew by more than 20%")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except BenchError as error:
        print(f"soak failed: {error}", file=sys.stderr)
        sys.exit(1)
