"""The ``yoc`` command. Each subcommand imports what only it runs, so that every command
starts without loading the whole app."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from tortoise.context import TortoiseContext

from yoc.db import migrate, tortoise_config
from yoc.errors import DomainError, ValidationFailed
from yoc.permissions import TokenScope
from yoc.roles import Role
from yoc.settings import ConfigError, Settings

# Where prometheus-client's multiprocess mode keeps counts (read by yoc.metrics); spelled
# out, so that serving loads no metrics library before the setting is made.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


class CommandError(Exception):
    """Shown as one line on stderr; the command exits 1."""


async def _with_db(settings: Settings, work: Callable[[], Awaitable[None]]) -> None:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(settings.database_url))
        await work()


def development_base_url(host: str, port: int, environ: Mapping[str, str]) -> str | None:
    """In development without YOC_BASE_URL, the address the app is served on, so the links
    it writes (in mail above all) work; for any address (0.0.0.0), this machine's address
    on the network, which a phone on the same network can open. None otherwise."""
    if environ.get("YOC_ENV") != "development" or environ.get("YOC_BASE_URL"):
        return None
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 -- names the address, binds nothing
        host = _network_address()
    return f"http://{host}:{port}"


def _network_address() -> str:
    """The address this machine uses to reach the network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn  # noqa: PLC0415 -- command only

    if base_url := development_base_url(args.host, args.port, os.environ):
        # The app (in each worker) reads its settings from the environment.
        os.environ["YOC_BASE_URL"] = base_url
        print(f"\n  YO-C is running at {base_url}  (stop with Ctrl+C)\n", flush=True)
    scratch = None
    if args.workers > 1 and not os.environ.get(MULTIPROCESS_DIR):
        # The processes count their requests in files there, and any of them answers
        # /metrics for all (yoc.metrics); a fresh folder, since old counts would add up.
        scratch = tempfile.mkdtemp(prefix="yoc-metrics-")
        os.environ[MULTIPROCESS_DIR] = scratch
    try:
        uvicorn.run(
            "yoc.web:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            proxy_headers=True,
            forwarded_allow_ips=",".join(settings.trusted_proxies) or "127.0.0.1",
            access_log=False,  # the app logs each request once, with its request id
            log_level="info",
        )
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


async def _migrate(settings: Settings, args: argparse.Namespace) -> None:
    await migrate(settings)
    print("Database is up to date.")


async def _seed_demo(settings: Settings, args: argparse.Namespace) -> None:
    from yoc import demo  # noqa: PLC0415 -- command only

    async def work() -> None:
        created = await demo.seed(settings)
        print("Loaded the demo data." if created else "The demo data is already there.")
        print(f"Demo accounts (password for all: {demo.DEMO_PASSWORD}):")
        for person in demo.PEOPLE:
            print(f"  {person.role.value:<7} {person.email}")

    await _with_db(settings, work)


async def _create_user(settings: Settings, args: argparse.Namespace) -> None:
    from yoc.accounts import services as accounts  # noqa: PLC0415 -- command only

    async def work() -> None:
        user = await accounts.create_user(
            email=args.email,
            name=args.name or args.email.split("@")[0],
            role=Role(args.role),
            password=args.password,
            language=args.language,
        )
        print(f"Created {user.role.value} {user.email} (id {user.id}).")

    await _with_db(settings, work)


async def _create_token(settings: Settings, args: argparse.Namespace) -> None:
    from yoc.accounts import services as accounts  # noqa: PLC0415 -- command only
    from yoc.accounts.models import User  # noqa: PLC0415 -- command only

    async def work() -> None:
        user = await User.get_or_none(email=accounts.normalise_email(args.email))
        if user is None:
            raise CommandError(f"No account with the email {args.email}.")
        token, secret = await accounts.create_api_token(
            user, args.name, scope=TokenScope(args.scope), days=args.days or settings.api_token_days
        )
        print(secret)
        # Beside, not in, what a script reads: the token alone is on standard output.
        print(
            f"Scope {token.scope.value}; it works until {token.expires_at:%Y-%m-%d %H:%M} UTC.",
            file=sys.stderr,
        )

    await _with_db(settings, work)


async def _worker(settings: Settings, args: argparse.Namespace) -> None:
    from yoc import jobs  # noqa: PLC0415 -- command only
    from yoc.web import configure_logging  # noqa: PLC0415 -- command only

    configure_logging(settings)

    async def work() -> None:
        if args.once:
            await jobs.run_round(settings)
        else:
            print("Worker running (mail outbox). Stop with Ctrl+C.", flush=True)
            await jobs.run_forever(settings, interval=args.interval)

    await _with_db(settings, work)


def _check(args: argparse.Namespace) -> int:
    from yoc.checks import report  # noqa: PLC0415 -- command only

    findings = report.run(os.environ)
    if args.json:
        print(json.dumps(report.as_json(findings), indent=2))
    else:
        print(report.as_text(findings))
    return report.exit_status(findings)


def _backup(settings: Settings, args: argparse.Namespace) -> None:
    from yoc import backup  # noqa: PLC0415 -- command only

    try:
        written = backup.backup(settings.database_url, Path(args.output))
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from exc
    size = written.stat().st_size
    print(f"Wrote {written} ({size:,} bytes, readable by its owner only).")


def _restore(settings: Settings, args: argparse.Namespace) -> None:
    from yoc import backup  # noqa: PLC0415 -- command only
    from yoc.checks.database import check_database  # noqa: PLC0415 -- command only
    from yoc.checks.findings import Status  # noqa: PLC0415 -- command only

    try:
        counts = backup.restore(settings.database_url, Path(args.file), force=args.force)
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from exc
    rows = ", ".join(f"{count} {table}" for table, count in counts.items())
    print(f"Restored {args.file}: {rows}.")
    (database,) = [f for f in asyncio.run(check_database(settings)) if f.name == "database"]
    if database.status != Status.OK:
        print(database.message)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yoc", description="The YO-C platform.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="serve the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(handler=_serve, sync=True)

    p = sub.add_parser("migrate", help="apply database migrations")
    p.set_defaults(handler=_migrate)

    p = sub.add_parser("seed-demo", help="load the demo data (once)")
    p.set_defaults(handler=_seed_demo)

    p = sub.add_parser("create-user", help="create an account")
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--role", required=True, choices=["member", "mentor", "staff", "admin"])
    p.add_argument("--name")
    p.add_argument("--language", default="en", choices=["en", "es"])
    p.set_defaults(handler=_create_user)

    p = sub.add_parser("create-token", help="print a new API token for a user")
    p.add_argument("--email", required=True)
    p.add_argument("--name", default="Command line")
    p.add_argument(
        "--scope",
        default="write",
        choices=["read", "checkin", "write"],
        help="what it may do: read, read and check tickets in, or everything (the default)",
    )
    p.add_argument("--days", type=int, help="how long it works (default YOC_API_TOKEN_DAYS, 90)")
    p.set_defaults(handler=_create_token)

    p = sub.add_parser("worker", help="run background jobs (mail outbox)")
    p.add_argument("--once", action="store_true", help="run one round and exit")
    p.add_argument(
        "--interval",
        type=float,
        default=5.0,
        help="seconds between two rounds (default 5)",
    )
    p.set_defaults(handler=_worker)

    p = sub.add_parser(
        "check",
        help="say what is wrong with the settings and the services they name",
        description="Check the settings, the database and its migrations, SMTP, Stripe's "
        "keys, the base URL and Redis. Exits 1 when anything fails.",
    )
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.set_defaults(handler=_check, standalone=True)

    p = sub.add_parser("backup", help="write a backup of the database to a file (mode 0600)")
    p.add_argument(
        "--output",
        default=".",
        help="the file to write, or a folder to write yoc-<date>-<time>.dump (or .sqlite3) "
        "in (default: the current folder)",
    )
    p.set_defaults(handler=_backup, sync=True)

    p = sub.add_parser("restore", help="replace the database's contents with a backup")
    p.add_argument("file", help="a file written by `yoc backup`")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace a database that is not empty (everything in it is lost)",
    )
    p.set_defaults(handler=_restore, sync=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "standalone", False):
        # `yoc check` reads the settings itself: it reports what the others refuse.
        return args.handler(args)
    try:
        settings = Settings.from_env()
        settings.check()
        if getattr(args, "sync", False):
            args.handler(settings, args)
        else:
            asyncio.run(args.handler(settings, args))
    except ValidationFailed as exc:
        problems = "; ".join(f"{field}: {msg}" for field, msg in exc.fields.items())
        print(f"yoc: {problems}", file=sys.stderr)
        return 1
    except (DomainError, CommandError, ConfigError) as exc:
        print(f"yoc: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"yoc: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one clear line, not a traceback
        print(f"yoc: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
