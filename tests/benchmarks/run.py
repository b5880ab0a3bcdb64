"""`make bench`: the app served as in production, driven by wrk from this machine.

    YOC_DATABASE_URL=postgres://user@host/yoc_bench python -m tests.benchmarks.run

The database named by YOC_DATABASE_URL is emptied and filled with the benchmark's data
set (its name must contain "bench" or "test", so no real database is wiped by mistake);
without it, a SQLite file in a temporary folder is used, with a note. BENCH_QUICK=1 runs
shorter and smaller. Results go to the terminal, docs/performance.md and docs/img/.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

import httpx
from tortoise import connections
from tortoise.context import TortoiseContext

from tests.benchmarks import dataset, report
from tests.servers import ServerDidNotStart, running_process
from yoc.db import migrate, normalise_url, tortoise_config
from yoc.settings import PROJECT_DIR, Settings

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
# BENCH_ONLY=orders,check-in: only the scenarios whose names hold one of these words (and
# the floor), no data-size curve, and the results printed, not written to the report.
ONLY = [w.strip().lower() for w in os.environ.get("BENCH_ONLY", "").split(",") if w.strip()]
HERE = Path(__file__).resolve().parent
LUA = HERE / "lua"
APP_PORT, FLOOR_PORT = 8421, 8422
WORKERS, THREADS, CONNECTIONS = 2, 2, 64
WARMUP = 1 if QUICK else 3  # seconds
RUN = 3 if QUICK else 8
RUNS = 3
ORDERS = 4_000 if QUICK else 20_000
DROP_CAPACITY = 1_000 if QUICK else 2_000  # tickets per sell-out run
SCANS_PER_RUN = 1_000 if QUICK else 3_000
SELL_OUT_LIMIT = 60  # seconds: a sale (or a gate run) still going then is stopped
CURVE = (1_000, 10_000, 100_000)
CURVE_RUN = 2 if QUICK else 4
SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Scenario:
    """One line of the table. ``path`` may name {festival}, {cohort} and {drop}."""

    name: str
    path: str
    kind: str = "page"  # page, orders or checkin
    login: str = ""  # member or mentor: the page is fetched with that person's cookie
    target: str = ""


SCENARIOS = [
    Scenario("Public festival page", "/events/{festival}", target="≥ 50% of floor, p99 < 100 ms"),
    Scenario("Public Soapbox lineup", "/events/{festival}/lineup", target="p99 < 100 ms"),
    Scenario("Member dashboard", "/dashboard", login="member", target="p99 < 150 ms"),
    Scenario(
        "Mentor cohort grid (30 × 40)",
        "/cohorts/{cohort}/progress",
        login="mentor",
        target="p99 < 150 ms",
    ),
    Scenario(
        "Free-ticket orders (until sold out)",
        "/api/v1/events/{drop}/orders",
        kind="orders",
        target="≥ 300 orders/s, all correct",
    ),
    Scenario(
        "Check-in scans", "/api/v1/checkin", kind="checkin", target="≥ 500/s, no double entry"
    ),
]
CURVE_SCENARIOS = [SCENARIOS[0], SCENARIOS[-1]]


@dataclass
class Result:
    scenario: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    floor_ratio: float | None = None
    note: str = ""
    skipped: str = ""
    runs: list[dict] = field(default_factory=list)


class BenchError(Exception):
    pass


# Processes ------------------------------------------------------------------------


@contextlib.contextmanager
def serve(command: list[str], env: dict[str, str], health: str, log: Path):
    """The server process, once it answers at ``health``; its output goes to ``log``."""
    with (
        log.open("w+b") as out,
        running_process(
            command, env={**os.environ, **env}, health=health, log=out, timeout=60
        ) as process,
    ):
        yield process


def worker_rss(process: subprocess.Popen) -> list[int]:
    """Resident memory (kB) of each uvicorn worker: the server's spawned children."""
    out = []
    for child in _children(process.pid):
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"spawn_main" not in cmdline:
            continue  # not a worker (e.g. multiprocessing's resource tracker)
        status = Path(f"/proc/{child}/status").read_text()
        out.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)))
    return out


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found.append(int(child))
            found.extend(_children(int(child)))
    return found


def _wrk_command(url: str, script: str, seconds: float, headers=()) -> list[str]:
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA / script),
    ]
    for header in headers:
        command += ["-H", header]
    return [*command, url]


def _wrk_env(env: dict[str, str]) -> dict[str, str]:
    return {**os.environ, "BENCH_LUA_DIR": str(LUA), "BENCH_THREADS": str(THREADS), **env}


def _figures(stdout: str, stderr: str) -> dict:
    line = next((x for x in stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise BenchError(f"wrk gave no figures:\n{stdout}\n{stderr}")
    figures = json.loads(line[6:])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = figures["socket_errors"] + sum(
        n for name, n in figures["counts"].items() if name.startswith("status_")
    )
    return figures


def wrk(url: str, script: str, seconds: float, env: dict[str, str], headers=()) -> dict:
    completed = subprocess.run(
        _wrk_command(url, script, seconds, headers),
        env=_wrk_env(env),
        capture_output=True,
        text=True,
        check=False,
    )
    return _figures(completed.stdout, completed.stderr)


async def wrk_until(url: str, script: str, env: dict[str, str], finished) -> dict:
    """Run wrk until ``finished()`` says the work is done (sold out, everyone scanned),
    let the last answers arrive, then stop it as Ctrl+C does (it still reports)."""
    process = await asyncio.create_subprocess_exec(
        *_wrk_command(url, script, SELL_OUT_LIMIT),
        env=_wrk_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    deadline = time.monotonic() + SELL_OUT_LIMIT
    while process.returncode is None and time.monotonic() < deadline:
        if await finished():
            await asyncio.sleep(0.5)  # the last answers on their way
            process.send_signal(signal.SIGINT)
            break
        await asyncio.sleep(0.1)
    out, err = await process.communicate()
    figures = _figures(out.decode(), err.decode())
    figures["finished"] = await finished()
    return figures


def summarise(name: str, runs: list[dict], *, rate_key: str = "rps") -> Result:
    return Result(
        scenario=name,
        rps=statistics.median(r[rate_key] for r in runs),
        p50_ms=statistics.median(r["p50_us"] for r in runs) / 1000,
        p99_ms=statistics.median(r["p99_us"] for r in runs) / 1000,
        errors=sum(r["errors"] for r in runs),
        runs=runs,
    )


def measure(url: str, script: str, env=None, headers=(), *, seconds: float = RUN) -> list[dict]:
    wrk(url, script, WARMUP, env or {}, headers)
    return [wrk(url, script, seconds, env or {}, headers) for _ in range(RUNS)]


# Database -------------------------------------------------------------------------


def database_url() -> tuple[str, str]:
    url = os.environ.get("YOC_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        name = url.rsplit("/", 1)[-1].split("?")[0]
        if "bench" not in name and "test" not in name:
            raise BenchError(
                f"the benchmark empties its database; {name!r} does not look like one made "
                "for it (its name must contain 'bench' or 'test')"
            )
        return url, ""
    folder = Path(tempfile.mkdtemp(prefix="yoc-bench-"))
    note = (
        "YOC_DATABASE_URL names no PostgreSQL database: this run uses SQLite, so its "
        "figures are not comparable with the targets, which are set for PostgreSQL."
    )
    return f"sqlite://{folder / 'bench.sqlite3'}", note


async def reset_database(url: str) -> None:
    if url.startswith("sqlite://"):
        await asyncio.to_thread(Path(url[len("sqlite://") :]).unlink, missing_ok=True)
    else:
        import asyncpg

        conn = await asyncpg.connect(normalise_url(url).replace("asyncpg://", "postgres://", 1))
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()
    await migrate(Settings(database_url=url))


@contextlib.asynccontextmanager
async def orm(url: str):
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        yield


async def database_version() -> str:
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict("SHOW server_version")
        return f"PostgreSQL {rows[0]['server_version']}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


# Scenarios ------------------------------------------------------------------------


class Bench:
    def __init__(self, url: str, data: dataset.DataSet, work: Path) -> None:
        self.url = url
        self.data = data
        self.work = work
        self.base = f"http://127.0.0.1:{APP_PORT}"
        self.cookies: dict[str, str] = {}
        self.floor_rps = 0.0
        self.floor_orders_rps = 0.0

    def path(self, scenario: Scenario, **extra: str) -> str:
        return scenario.path.format(
            festival=self.data.gate.slug, cohort=self.data.grid_cohort_id, **extra
        )

    def log_in(self, who: str) -> str:
        """Sign in through the login form, as a browser does; return the session cookie."""
        email = self.data.member_email if who == "member" else self.data.mentor_email
        with httpx.Client(base_url=self.base) as client:
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            cookie = _session_cookie(page)
            answer = client.post(
                "/login",
                data={"email": email, "password": dataset.PASSWORD, "csrf_token": token},
                headers={"Cookie": cookie},
            )
            if answer.status_code != 303:
                raise BenchError(f"could not sign in {email}: {answer.status_code}")
            return _session_cookie(answer)

    async def run_page(self, scenario: Scenario) -> Result:
        headers = []
        if scenario.login:
            cookie = self.cookies.setdefault(scenario.login, self.log_in(scenario.login))
            headers.append(f"Cookie: {cookie}")
        url = self.base + self.path(scenario)
        answer = await asyncio.to_thread(
            httpx.get, url, headers=dict(h.split(": ", 1) for h in headers)
        )
        if answer.status_code == 404:
            return Result(scenario.name, skipped="skipped: route not present")
        if answer.status_code != 200:
            return Result(scenario.name, skipped=f"failed: the page answered {answer.status_code}")
        result = summarise(scenario.name, measure(url, "stats.lua", headers=headers))
        result.floor_ratio = result.rps / self.floor_rps if self.floor_rps else None
        result.note = f"{len(answer.content):,} bytes"
        return result

    async def run_orders(self, scenario: Scenario) -> Result:
        runs = []
        for n in range(RUNS + 1):  # the first sale is the warm-up
            event, ticket_type = await _drop_event(n)
            figures = await wrk_until(
                self.base,
                "orders.lua",
                {
                    "BENCH_PATH": self.path(scenario, drop=event.slug),
                    "BENCH_TYPE_ID": str(ticket_type.id),
                },
                functools.partial(_sold_out, event.id),
            )
            figures["orders_per_s"] = figures["counts"].get("ordered", 0) / await _span(
                "orders", "created_at", "event_id", event.id
            )
            await _check_sale(event, ticket_type, figures)
            if n:
                runs.append(figures)
        result = summarise(scenario.name, runs, rate_key="orders_per_s")
        if self.floor_orders_rps:
            result.floor_ratio = result.rps / self.floor_orders_rps
        unfinished = sum(not r["finished"] for r in runs)
        result.note = (
            f"{DROP_CAPACITY:,} tickets per sale; sold = orders answered = tickets, none twice"
            + (
                f"; {unfinished} of {RUNS} sales not sold out after {SELL_OUT_LIMIT} s"
                if unfinished
                else ""
            )
        )
        return result

    async def run_checkin(self, scenario: Scenario, *, seconds: float = 0) -> Result:
        codes = await _gate_codes(self.data.gate)
        runs = []
        for n in range(RUNS + 1):  # the first is the warm-up
            await _reset_door(self.data.gate)
            chosen = random.sample(codes, min(SCANS_PER_RUN, len(codes)))
            if seconds:  # short runs for the data size curve
                chosen = chosen[: int(seconds * 300)]
            path = self.work / f"codes-{n}.txt"
            path.write_text("\n".join(chosen) + "\n")
            figures = await wrk_until(
                self.base + scenario.path,
                "checkin.lua",
                {
                    "BENCH_CODES": str(path),
                    "BENCH_EVENT": self.data.gate.slug,
                    "BENCH_DOOR_CODE": dataset.DOOR_CODE,
                    "BENCH_RUN": f"{time.time_ns()}",
                },
                functools.partial(_all_in, self.data.gate.id, len(chosen)),
            )
            # Scans recorded (retries of a scan are answered from its record, not counted).
            answered = await _scans(self.data.gate.id)
            figures["rps"] = answered / await _span(
                "checkins", "recorded_at", "event_id", self.data.gate.id
            )
            await asyncio.sleep(1)  # scans still being decided when wrk stopped
            await _check_door(self.data.gate, figures)
            if n:
                runs.append(figures)
        result = summarise(scenario.name, runs)
        result.floor_ratio = result.rps / self.floor_rps if self.floor_rps else None
        dup = sum(r["counts"].get("already_checked_in", 0) for r in runs)
        result.note = f"{dup:,} second scans refused as duplicates; no ticket admitted twice"
        return result

    async def run(self, scenario: Scenario) -> Result:
        if scenario.kind == "orders":
            return await self.run_orders(scenario)
        if scenario.kind == "checkin":
            return await self.run_checkin(scenario)
        return await self.run_page(scenario)


def _session_cookie(response: httpx.Response) -> str:
    for value in response.headers.get_list("set-cookie"):
        if value.startswith("yoc_session="):
            return value.split(";", 1)[0]
    raise BenchError("no session cookie in the answer")


async def _drop_event(n: int):
    from yoc.events.models import Event
    from yoc.tickets.enums import Pricing
    from yoc.tickets.models import TicketType

    starts = datetime.now(UTC) + timedelta(days=20)
    event = await Event.create(
        slug=f"drop-{n}-{time.time_ns() % 10**9}",
        name_en="Youth ticket drop",
        name_es="Boletos juveniles",
        venue="Mecca Community Park",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        capacity=DROP_CAPACITY,
        published=True,
    )
    ticket_type = await TicketType.create(
        event=event, name_en="Youth", name_es="Juvenil", pricing=Pricing.FREE, max_per_order=4
    )
    return event, ticket_type


async def _sold_out(event_id: int) -> bool:
    from yoc.events.models import Event

    event = await Event.get(id=event_id)
    return event.sold >= event.capacity


async def _all_in(event_id: int, expected: int) -> bool:
    from yoc.tickets.models import Ticket

    admitted = await Ticket.filter(order__event_id=event_id, checked_in_at__isnull=False).count()
    return admitted >= expected


async def _scans(event_id: int) -> int:
    from yoc.tickets.models import CheckIn

    return await CheckIn.filter(event_id=event_id).count()


async def _span(table: str, column: str, key: str, value: int) -> float:
    """Seconds from the first row written to the last: how long the work really took."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        f'SELECT MIN("{column}") AS first, MAX("{column}") AS last FROM "{table}" '
        f'WHERE "{key}" = {int(value)}'
    )
    first, last = rows[0]["first"], rows[0]["last"]
    if isinstance(first, str):  # SQLite
        first, last = datetime.fromisoformat(first), datetime.fromisoformat(last)
    return max((last - first).total_seconds(), 1e-3)


async def _check_sale(event, ticket_type, figures: dict) -> None:
    """Every answered order is in the database, with exactly its one ticket; none lost,
    none twice, none beyond capacity."""
    from yoc.events.models import Event
    from yoc.tickets.enums import OrderStatus
    from yoc.tickets.models import Order, Ticket, TicketType

    answered = figures["counts"].get("ordered", 0)
    if not figures["finished"]:
        await asyncio.sleep(2)  # wrk was stopped mid-sale: let the last requests finish
    event = await Event.get(id=event.id)
    ticket_type = await TicketType.get(id=ticket_type.id)
    orders = await Order.filter(event=event).count()
    paid = await Order.filter(event=event, status=OrderStatus.PAID).count()
    tickets = await Ticket.filter(order__event=event).values_list("secret", "order_id")
    problems = []
    # A sale stopped before the end loses the answers still on their way (at most one
    # per connection); a sale that ran out loses none.
    cut_off = 0 if figures["finished"] else CONNECTIONS
    if not (
        orders == paid == len(tickets) == event.sold == ticket_type.sold
        and answered <= orders <= answered + cut_off
    ):
        problems.append(
            f"answered {answered}, orders {orders}, paid {paid}, tickets {len(tickets)}, "
            f"sold {event.sold}/{ticket_type.sold}"
        )
    if event.sold > event.capacity:
        problems.append(f"oversold: {event.sold} of {event.capacity}")
    if len({s for s, _ in tickets}) != len(tickets) or len({o for _, o in tickets}) != len(tickets):
        problems.append("a ticket was issued twice")
    if problems:
        raise BenchError("orders are not correct: " + "; ".join(problems))


async def _gate_codes(event) -> list[str]:
    """What the gate scans: each valid ticket's signed QR code."""
    from yoc.tickets.models import Ticket
    from yoc.tickets.services import signing

    tickets = await Ticket.filter(order__event=event, status="valid").only(
        "id", "secret", "ticket_type_id"
    )
    return [await signing.code_for(t, event) for t in tickets]


async def _reset_door(event) -> None:
    """Nobody has come in yet: each run scans its tickets for the first time."""
    from yoc.tickets.models import CheckIn, Ticket

    await CheckIn.filter(event=event).delete()
    await Ticket.filter(order__event=event, checked_in_at__isnull=False).update(
        checked_in_at=None, checked_in_gate=""
    )
    await dataset.settle("checkins", "tickets")


async def _check_door(event, figures: dict) -> None:
    """Each ticket let in once: as many admissions recorded as "ok" answers given, no
    ticket with two, no scan left undecided."""
    from yoc.tickets.models import CheckIn, Ticket

    counts = figures["counts"]
    admitted = await Ticket.filter(order__event=event, checked_in_at__isnull=False).count()
    oks = await CheckIn.filter(event=event, result="ok").values_list("ticket_id", flat=True)
    undecided = await CheckIn.filter(event=event, result="processing").count()
    problems = []
    if counts.get("ok", 0) != admitted or len(oks) != admitted:
        problems.append(
            f"{counts.get('ok', 0)} admitted answers, {len(oks)} recorded, {admitted} tickets in"
        )
    if len(set(oks)) != len(oks):
        problems.append(f"{len(oks) - len(set(oks))} tickets admitted twice")
    if undecided:
        problems.append(f"{undecided} scans left undecided")
    if problems:
        raise BenchError("check-in is not correct: " + "; ".join(problems))


# The whole run ---------------------------------------------------------------------


def app_env(url: str) -> dict[str, str]:
    return {
        "YOC_ENV": "production",
        "YOC_SECRET_KEY": SECRET,
        "YOC_BASE_URL": "https://bench.yoc.example",
        "YOC_DATABASE_URL": url,
        # wrk's thousands of buyers all come from one address: the per-address order limit
        # (which the benchmark's figures include the cost of) must not stop them.
        "YOC_ORDER_LIMIT": "100000000",
    }


def machine() -> dict[str, str]:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    wrk_version = subprocess.run(
        [shutil.which("wrk") or "wrk", "-v"], capture_output=True, text=True, check=False
    )
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("starlette", "uvicorn", "jinja2", "tortoise-orm", "asyncpg", "uvloop")
    )
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "memory": f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "?",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
        "wrk": (wrk_version.stdout or wrk_version.stderr).split("\n")[0].strip(),
    }


async def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 1
    url, note = database_url()
    if note:
        print(f"note: {note}")
    work = Path(tempfile.mkdtemp(prefix="yoc-bench-run-"))
    started = time.monotonic()
    print(f"Loading the data set ({ORDERS:,} orders) into {url.split('@')[-1]} ...")
    await reset_database(url)
    async with orm(url):
        data = await dataset.load(orders=ORDERS)
        db_version = await database_version()
        print(f"  loaded in {time.monotonic() - started:.0f} s")
        bench = Bench(url, data, work)

        page_bytes = len(await _festival_page_size(url, data, work))
        floor_env = {"BENCH_FLOOR_BYTES": str(page_bytes)}
        if not url.startswith("sqlite"):
            floor_env["BENCH_FLOOR_DATABASE_URL"] = url.replace("asyncpg://", "postgres://", 1)
            await _floor_tables()
        floor_cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.benchmarks.floor_app:app",
            "--port",
            str(FLOOR_PORT),
            "--workers",
            str(WORKERS),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        results: list[Result] = []
        floor_base = f"http://127.0.0.1:{FLOOR_PORT}"
        with serve(floor_cmd, floor_env, f"{floor_base}/page", work / "floor.log"):
            print("Floor app ...")
            floor = summarise(
                "Floor: Starlette + Jinja2 page", measure(f"{floor_base}/page", "stats.lua")
            )
            floor.floor_ratio = 1.0
            floor.note = f"{page_bytes:,} bytes, from memory"
            bench.floor_rps = floor.rps
            results.append(floor)
            if "BENCH_FLOOR_DATABASE_URL" in floor_env:
                floor_orders = await _floor_orders(floor_base)
                bench.floor_orders_rps = floor_orders.rps
                results.append(floor_orders)
            print(report.row(floor))

        serve_cmd = [
            str(Path(sys.executable).with_name("yoc")),
            "serve",
            "--port",
            str(APP_PORT),
            "--workers",
            str(WORKERS),
        ]
        with serve(serve_cmd, app_env(url), f"{bench.base}/livez", work / "app.log") as app:
            for scenario in SCENARIOS:
                if ONLY and not any(word in scenario.name.lower() for word in ONLY):
                    continue
                print(f"{scenario.name} ...")
                result = await bench.run(scenario)
                print(report.row(result))
                results.append(result)
            curve = [] if ONLY else await data_size_curve(bench, data)
            rss = worker_rss(app)
        print(f"Worker memory after the benchmark: {', '.join(f'{k / 1024:.0f} MB' for k in rss)}")
    if ONLY:
        print(report.table(results))
        return 0

    info = machine()
    info["database"] = db_version
    info["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    info["mode"] = "quick (BENCH_QUICK=1)" if QUICK else "full"
    info["duration"] = f"{(time.monotonic() - started) / 60:.1f} min"
    report.write(
        results=results,
        curve=curve,
        rss_kb=rss,
        info=info,
        note=note,
        settings={
            "workers": WORKERS,
            "threads": THREADS,
            "connections": CONNECTIONS,
            "warmup": WARMUP,
            "run": RUN,
            "runs": RUNS,
            "orders": ORDERS,
            "drop": DROP_CAPACITY,
            "scans": SCANS_PER_RUN,
            "curve_run": CURVE_RUN,
        },
    )
    print(report.table(results))
    written = [report.DOC.relative_to(PROJECT_DIR), report.IMG.relative_to(PROJECT_DIR)]
    print(f"Written: {written[0]} and {written[1]}/")
    return 0


async def data_size_curve(bench: Bench, data: dataset.DataSet) -> list[dict]:
    """Each size is measured twice, in rounds that go up then down (1k, 10k, 100k, 100k,
    10k, 1k): a machine that drifts during the run then shifts every size alike, instead
    of showing as a cost of the largest size, which a single upward round measures last."""
    runs: dict[tuple[int, str], list[dict]] = {}
    for size in (*CURVE, *reversed(CURVE)):
        await dataset.remove_orders(data)
        await dataset.add_orders(data, size)
        await dataset.settle()
        print(f"Data size: {size:,} orders ...")
        for scenario in CURVE_SCENARIOS:
            if scenario.kind == "checkin":
                r = await bench.run_checkin(scenario, seconds=CURVE_RUN)
            else:
                r = summarise(
                    scenario.name,
                    measure(bench.base + bench.path(scenario), "stats.lua", seconds=CURVE_RUN),
                )
            runs.setdefault((size, scenario.name), []).extend(r.runs)
            print(f"  {report.row(r)}")
    curve = []
    for size in CURVE:
        for scenario in CURVE_SCENARIOS:
            r = summarise(scenario.name, runs[(size, scenario.name)])
            curve.append({"orders": size, "scenario": scenario.name, **_plain(r)})
    return curve


def _plain(result: Result) -> dict:
    return {"rps": result.rps, "p50_ms": result.p50_ms, "p99_ms": result.p99_ms}


async def _festival_page_size(url: str, data: dataset.DataSet, work: Path) -> bytes:
    """The festival page's size, so that the floor renders about as much."""
    with serve(
        [str(Path(sys.executable).with_name("yoc")), "serve", "--port", str(APP_PORT)],
        app_env(url),
        f"http://127.0.0.1:{APP_PORT}/livez",
        work / "size.log",
    ):
        page = f"http://127.0.0.1:{APP_PORT}/events/{data.gate.slug}"
        return (await asyncio.to_thread(httpx.get, page)).content


async def _floor_tables() -> None:
    conn = connections.get("default")
    await conn.execute_script(
        "CREATE TABLE IF NOT EXISTS floor_stock (id serial PRIMARY KEY, size int, sold int);"
        "CREATE TABLE IF NOT EXISTS floor_orders (id serial PRIMARY KEY, "
        "stock_id int REFERENCES floor_stock, email text, "
        "created_at timestamptz DEFAULT clock_timestamp());"
        "CREATE TABLE IF NOT EXISTS floor_tickets (id serial PRIMARY KEY, "
        "order_id int REFERENCES floor_orders, secret text UNIQUE);"
    )


async def _floor_orders(floor_base: str) -> Result:
    """The bare order path, sold out like ours: its rate is the floor for orders."""
    conn = connections.get("default")
    runs = []
    for n in range(RUNS + 1):
        rows = await conn.execute_query_dict(
            "INSERT INTO floor_stock (size, sold) VALUES ($1, 0) RETURNING id", [DROP_CAPACITY]
        )
        stock = rows[0]["id"]

        async def sold_out(stock: int = stock) -> bool:
            found = await conn.execute_query_dict(
                "SELECT sold >= size AS done FROM floor_stock WHERE id = $1", [stock]
            )
            return found[0]["done"]

        figures = await wrk_until(
            floor_base,
            "orders.lua",
            {"BENCH_PATH": f"/stock/{stock}/orders", "BENCH_TYPE_ID": "0"},
            sold_out,
        )
        figures["orders_per_s"] = figures["counts"].get("ordered", 0) / await _span(
            "floor_orders", "created_at", "stock_id", stock
        )
        if n:
            runs.append(figures)
    result = summarise(
        "Floor: bare order path (1 update, 2 inserts)", runs, rate_key="orders_per_s"
    )
    result.floor_ratio = 1.0
    result.note = f"{DROP_CAPACITY:,} tickets per sale, asyncpg, no ORM"
    return result


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except (BenchError, ServerDidNotStart) as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(1)
