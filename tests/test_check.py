"""`yoc check` as an operator runs it: one line per finding (OK, WARN or FAIL, with what
to do), exit 0 when nothing fails and 1 otherwise. It talks to real services: the test
database (SQLite, or PostgreSQL with --database-url), an SMTP server (aiosmtpd), Redis,
and ports where nothing listens."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.conftest import Mailbox
from tests.ops_databases import fresh_database, is_postgres, operator_env, query, run_yoc
from tests.servers import free_port
from yoc.checks.config import read_settings
from yoc.checks.database import known_migrations
from yoc.checks.findings import Finding, Status

REDIS_URL = os.environ.get("YOC_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STRONG_KEY = "k" * 40


def findings(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str]]:
    return [(c["name"], c["status"], c["message"]) for c in json.loads(done.stdout)["checks"]]


def statuses(done: subprocess.CompletedProcess[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, status, _ in findings(done):
        found.setdefault(name, []).append(status)
    return found


def message(done: subprocess.CompletedProcess[str], name: str) -> str:
    (text,) = [m for n, s, m in findings(done) if n == name and s != "OK"] or [
        m for n, _, m in findings(done) if n == name
    ]
    return text


def test_a_working_installation_is_ok_everywhere_and_exits_0(
    database_url: str, smtp_server, tmp_path: Path
) -> None:
    _, smtp_url = smtp_server
    env = operator_env(
        database_url,
        YOC_SMTP_URL=smtp_url,
        YOC_REDIS_URL=REDIS_URL,
        YOC_STRIPE_SECRET_KEY="sk_test_51abc",
        YOC_STRIPE_WEBHOOK_SECRET="whsec_abc",
    )

    done = run_yoc("check", "--json", env=env, cwd=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    expected = {
        "settings": ["OK"],
        "base URL": ["OK"],
        "database": ["OK"],
        "SMTP": ["OK"],
        "Stripe": ["OK"],
        "Redis": ["OK"],
    }
    if is_postgres(database_url):
        expected["backups"] = ["OK"]  # pg_dump is there and not older than the server
    assert statuses(done) == expected
    assert json.loads(done.stdout)["ok"] is True
    migrations = len(known_migrations())
    assert message(done, "database").endswith(f"answers; all {migrations} migrations are applied.")
    assert message(done, "SMTP") == f"The server at {smtp_url.removeprefix('smtp://')} answers."
    assert message(done, "Stripe") == "Test keys and a webhook secret are set."
    assert message(done, "Redis").startswith("Redis ")


def test_a_broken_production_installation_fails_line_by_line_and_exits_1(
    database_url: str, tmp_path: Path
) -> None:
    smtp_port, redis_port = free_port(), free_port()  # nothing listens on either
    env = operator_env(
        database_url,
        YOC_ENV="production",
        YOC_SECRET_KEY="short",
        YOC_BASE_URL="http://yoc.example.org",
        YOC_MAIL_FROM="YO-C <hola@yoc.example.org>",
        YOC_CONTACT_EMAIL="hola@yoc.example.org",
        YOC_CONTACT_PHONE="(760) 555-0123",
        YOC_SMTP_URL=f"smtp://mailer:secret@127.0.0.1:{smtp_port}?starttls=1",
        YOC_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        YOC_STRIPE_SECRET_KEY="pk_live_abc",
    )

    done = run_yoc("check", env=env, cwd=tmp_path)

    assert done.returncode == 1
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert all(line.split()[0] in {"OK", "WARN", "FAIL"} for line in lines[:-1]), lines
    failed = [line for line in lines if line.startswith("FAIL")]
    assert [re.match(r"FAIL +(.+?)  +", line).group(1) for line in failed] == [
        "settings",
        "base URL",
        "SMTP",
        "Stripe",
        "Stripe",
        "Redis",
    ]
    assert "FAIL  settings  YOC_SECRET_KEY must be set to a random value" in failed[0]
    assert failed[1].endswith(
        "YOC_BASE_URL is http://yoc.example.org: in production it must be the public "
        "https:// address (e.g. https://yoc.example.org), or sign-in cookies and emailed "
        "links will not work."
    )
    assert failed[2].endswith(
        f"Cannot reach the SMTP server at 127.0.0.1:{smtp_port}: the connection was refused "
        "(nothing listens there). Check YOC_SMTP_URL and the mail server; until then mail "
        "waits in the outbox and none is lost."
    )
    assert failed[3].endswith(
        "YOC_STRIPE_WEBHOOK_SECRET is not set, so card payment stays off: set both."
    )
    assert failed[4].endswith(
        "YOC_STRIPE_SECRET_KEY is a publishable key (pk_…): use the secret key (sk_…)."
    )
    assert (
        f"Cannot reach Redis at 127.0.0.1:{redis_port}: the connection was refused" in (failed[5])
    )
    assert "OK    database" in done.stdout
    # Production on SQLite is a warning: it runs, but PostgreSQL is what production wants.
    warnings = 0 if is_postgres(database_url) else 1
    assert lines[-1] == f"6 problem(s) to fix, {warnings} warning(s)."


def test_an_unmigrated_database_fails_and_says_to_migrate(server_url: str, tmp_path: Path) -> None:
    with fresh_database(server_url, tmp_path, "check_empty") as url:
        if not is_postgres(url):
            query(url, "PRAGMA user_version")  # an empty SQLite file, as a new server has

        done = run_yoc("check", "--json", env=operator_env(url), cwd=tmp_path)

    assert done.returncode == 1
    assert statuses(done)["database"] == ["FAIL"]
    assert message(done, "database").endswith(
        "answers but has never been migrated: run `yoc migrate`."
    )


def _recorded(url: str, names: list[str]) -> None:
    """A migrations table that records ``names``, as the app keeps it."""
    query(
        url,
        "CREATE TABLE tortoise_migrations (id INTEGER PRIMARY KEY, app VARCHAR(255) NOT NULL, "
        "name VARCHAR(255) NOT NULL, applied_at VARCHAR(40) NOT NULL)",
    )
    for n, name in enumerate(names, start=1):
        query(url, f"INSERT INTO tortoise_migrations VALUES ({n}, 'yoc', '{name}', '2027-01-01')")  # noqa: S608


def test_a_database_behind_or_ahead_of_the_code_fails(server_url: str, tmp_path: Path) -> None:
    known = known_migrations()
    with (
        fresh_database(server_url, tmp_path, "check_behind") as behind,
        fresh_database(server_url, tmp_path, "check_ahead") as ahead,
    ):
        _recorded(behind, known[:-2])
        _recorded(ahead, [*known, "9999_from_the_future"])

        older = run_yoc("check", "--json", env=operator_env(behind), cwd=tmp_path)
        newer = run_yoc("check", "--json", env=operator_env(ahead), cwd=tmp_path)

    assert (older.returncode, newer.returncode) == (1, 1)
    assert message(older, "database").endswith(
        f"answers but 2 of {len(known)} migrations are not applied (from {known[-2]}): "
        "run `yoc migrate`, then restart the app."
    )
    assert message(newer, "database").endswith(
        "has migrations this version of the app does not know (9999_from_the_future): it "
        "was migrated by a newer version. Install that version again, or restore a backup "
        "taken before."
    )


def test_a_missing_sqlite_file_is_reported_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "yoc.sqlite3"

    done = run_yoc("check", "--json", env=operator_env(f"sqlite://{missing}"), cwd=tmp_path)

    assert done.returncode == 1
    assert message(done, "database") == (
        f"The SQLite file {missing} does not exist: run `yoc migrate` to create it, or "
        "correct YOC_DATABASE_URL."
    )
    assert not missing.parent.exists()


def test_an_unreachable_postgres_server_is_reported(tmp_path: Path) -> None:
    port = free_port()
    url = f"postgres://postgres@127.0.0.1:{port}/yoc"

    done = run_yoc("check", "--json", env=operator_env(url), cwd=tmp_path)

    assert done.returncode == 1
    assert message(done, "database") == (
        f"Cannot connect to PostgreSQL at 127.0.0.1:{port}/yoc: the connection was refused "
        "(nothing listens there). Check YOC_DATABASE_URL (host, port, user, password, "
        "database name) and that the server runs."
    )


def test_warnings_alone_exit_0_and_a_setting_that_is_not_a_number_fails(
    database_url: str, tmp_path: Path
) -> None:
    warned = run_yoc(
        "check",
        "--json",
        env=operator_env(
            database_url,
            YOC_SMPT_URL="smtp://mail.example.org",  # a typo
            YOC_STRIPE_SECRET_KEY="sk_live_abc",
            YOC_STRIPE_WEBHOOK_SECRET="whsec_abc",
        ),
        cwd=tmp_path,
    )
    unreadable = run_yoc(
        "check",
        env=operator_env(database_url, YOC_HOLD_MINUTES="a quarter hour", YOC_REDIS_URL="x"),
        cwd=tmp_path,
    )

    assert warned.returncode == 0, warned.stdout
    assert [(n, s) for n, s, _ in findings(warned) if s != "OK"] == [
        ("settings", "WARN"),
        ("Stripe", "WARN"),
    ]
    assert message(warned, "settings") == (
        "YOC_SMPT_URL is set but this app has no such setting (a typo?); the README lists "
        "every YOC_ variable."
    )
    assert message(warned, "Stripe") == "Live keys with YOC_ENV=test: real cards would be charged."
    assert unreadable.returncode == 1
    assert unreadable.stdout.splitlines() == [
        "FAIL  settings  YOC_HOLD_MINUTES must be a number, not 'a quarter hour'; fix it or "
        "unset it.",
        "FAIL  database  Not checked: the settings above cannot be read.",
        "2 problem(s) to fix, 0 warning(s).",
    ]


def test_smtp_that_refuses_the_password_fails_with_what_to_do(
    database_url: str, tmp_path: Path
) -> None:
    def only_the_right_password(server, session, envelope, mechanism, auth_data) -> AuthResult:
        # handled=False: the server answers a failure with 535, as real ones do
        return AuthResult(success=auth_data.password == b"right", handled=False)

    port = free_port()
    controller = Controller(
        Mailbox(),
        hostname="127.0.0.1",
        port=port,
        authenticator=only_the_right_password,
        auth_require_tls=False,  # a test server on 127.0.0.1; real ones use STARTTLS
    )
    controller.start()
    try:
        wrong = run_yoc(
            "check",
            "--json",
            env=operator_env(database_url, YOC_SMTP_URL=f"smtp://mailer:wrong@127.0.0.1:{port}"),
            cwd=tmp_path,
        )
        right = run_yoc(
            "check",
            "--json",
            env=operator_env(database_url, YOC_SMTP_URL=f"smtp://mailer:right@127.0.0.1:{port}"),
            cwd=tmp_path,
        )
    finally:
        controller.stop()

    assert wrong.returncode == 1
    assert statuses(wrong)["SMTP"] == ["FAIL"]
    assert message(wrong, "SMTP").startswith(
        f"The SMTP server at 127.0.0.1:{port} refused the user and password in YOC_SMTP_URL ("
    )
    assert message(wrong, "SMTP").endswith("): correct them.")
    assert right.returncode == 0, right.stdout
    assert message(right, "SMTP") == f"The server at 127.0.0.1:{port} answers, signed in as mailer."


@pytest.mark.parametrize(("required", "left_out"), [("", "staff, admin"), ("admin", "staff")])
def test_production_without_two_factor_for_staff_and_admins_is_warned(
    required: str, left_out: str
) -> None:
    environ = {
        "YOC_ENV": "production",
        "YOC_SECRET_KEY": "k" * 48,
        "YOC_BASE_URL": "https://yoc.example.org",
        "YOC_REQUIRE_2FA_FOR": required,
    }

    _, found = read_settings(environ)

    assert (
        Finding(
            "settings",
            Status.WARN,
            f"YOC_REQUIRE_2FA_FOR leaves out {left_out}: in production, staff and admins "
            "should need two-factor sign-in (the default when it is unset).",
        )
        in found
    )
    _, default = read_settings({k: v for k, v in environ.items() if "2FA" not in k})
    assert not [f for f in default if "2FA" in f.message]
