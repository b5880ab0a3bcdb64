"""`yoc backup` and `yoc restore` as an operator runs them: a database with members,
orders and speeches (the demo data) is backed up to a file only its owner can read, and
restored into a fresh database with every row, and with seats that still add up. A
database that is not empty is replaced only when the operator says so.

On SQLite by default; on PostgreSQL (pg_dump and pg_restore against the real server)
with --database-url."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops_databases import (
    fresh_database,
    is_postgres,
    migrated_database,
    operator_env,
    query,
    run_yoc,
    table_names,
)


@pytest.fixture(scope="module")
def demo_backup(
    server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A database holding the demo data, and one backup of it in a folder of its own."""
    folder = tmp_path_factory.mktemp("backup")
    with migrated_database(server_url, folder, "backup_source") as source:
        env = operator_env(source)
        done = run_yoc("seed-demo", env=env, cwd=folder)
        assert done.returncode == 0, done.stderr
        backups = folder / "backups"
        backups.mkdir(mode=0o700)

        done = run_yoc("backup", f"--output={backups}", env=env, cwd=folder)

        assert done.returncode == 0, done.stderr
        (written,) = backups.iterdir()
        assert done.stdout == (
            f"Wrote {written} ({written.stat().st_size:,} bytes, readable by its owner only).\n"
        )
        yield source, written


def counts(url: str) -> dict[str, int]:
    return {
        name: query(url, f'SELECT count(*) FROM "{name}"')[0][0]  # noqa: S608 - table names
        for name in table_names(url)
    }


def rows(url: str, table: str) -> list[tuple]:
    return query(url, f'SELECT * FROM "{table}" ORDER BY id')  # noqa: S608 - our table names


def seats_that_do_not_add_up(url: str) -> list[str]:
    """Each counter against the tickets and orders it counts: a ticket type's ``sold``
    is its valid tickets; an event's ``sold`` is its valid typed tickets plus the donated
    seats (paid into the pool, or held by pending orders); ``donated_claimed`` is the
    valid tickets taken from the pool; ``unpaid_held`` the seats of open reservations."""
    wrong = []
    for type_id, sold, valid in query(
        url,
        "SELECT tt.id, tt.sold, (SELECT count(*) FROM tickets t "
        "WHERE t.ticket_type_id = tt.id AND t.status = 'valid') FROM ticket_types tt",
    ):
        if sold != valid:
            wrong.append(f"ticket type {type_id}: sold {sold}, valid tickets {valid}")
    for event_id, sold, claimed, unpaid, typed, from_pool, pool, pending, reserved in query(
        url,
        "SELECT e.id, e.sold, e.donated_claimed, e.unpaid_held, "
        "(SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id WHERE "
        " o.event_id = e.id AND t.ticket_type_id IS NOT NULL AND t.status = 'valid'), "
        "(SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id WHERE "
        " o.event_id = e.id AND t.ticket_type_id IS NULL AND t.status = 'valid'), "
        "e.donated, "
        "(SELECT coalesce(sum(o.donated_count), 0) FROM orders o WHERE o.event_id = e.id "
        " AND o.status = 'pending'), "
        "(SELECT coalesce(sum(o.tickets_count), 0) FROM orders o WHERE o.event_id = e.id "
        " AND o.open_reservation IS NOT NULL) "
        "FROM events e",
    ):
        if sold != typed + pool + pending:
            wrong.append(f"event {event_id}: sold {sold}, seats {typed} + {pool} + {pending}")
        if claimed != from_pool:
            wrong.append(f"event {event_id}: donated_claimed {claimed}, tickets {from_pool}")
        if unpaid != reserved:
            wrong.append(f"event {event_id}: unpaid_held {unpaid}, reserved {reserved}")
    return wrong


def test_the_backup_file_is_readable_by_its_owner_only(demo_backup, server_url: str) -> None:
    _, written = demo_backup

    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert written.name.startswith("yoc-")
    assert written.suffix == (".dump" if is_postgres(server_url) else ".sqlite3")
    assert list(written.parent.glob("*.partial")) == []


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_every_seat(
    demo_backup, server_url: str, tmp_path: Path
) -> None:
    source, written = demo_backup
    with fresh_database(server_url, tmp_path, "backup_target") as target:
        env = operator_env(target)

        restored = run_yoc("restore", str(written), env=env, cwd=tmp_path)
        check = run_yoc("check", "--json", env=env, cwd=tmp_path)

        assert restored.returncode == 0, restored.stderr
        source_counts = counts(source)
        assert counts(target) == source_counts
        # Not an empty database restored into an empty one: the demo data is all there.
        assert source_counts["orders"] == 7
        assert source_counts["tickets"] == 11
        assert source_counts["member_profiles"] == 7
        assert source_counts["soapbox_speeches"] > 0
        assert source_counts["consent_records"] > 0
        assert restored.stdout.startswith(
            f"Restored {written}: {source_counts['users']} users, 7 member_profiles, "
            f"7 orders, 11 tickets, {source_counts['soapbox_speeches']} soapbox_speeches.\n"
        )
        for table in ("events", "ticket_types", "orders", "order_items", "tickets"):
            assert rows(target, table) == rows(source, table), table
        assert seats_that_do_not_add_up(source) == []
        assert seats_that_do_not_add_up(target) == []
        # The restored database is migrated as far as the backup was, and the app can use it.
        database = [c for c in json.loads(check.stdout)["checks"] if c["name"] == "database"]
        assert [c["status"] for c in database] == ["OK"], database


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    demo_backup, server_url: str, tmp_path: Path
) -> None:
    source, written = demo_backup
    with fresh_database(server_url, tmp_path, "backup_busy") as target:
        env = operator_env(target)
        # In use since an earlier restore: someone has signed up since.
        assert run_yoc("restore", str(written), env=env, cwd=tmp_path).returncode == 0
        created = run_yoc(
            "create-user",
            "--email=rosa@example.org",
            "--password=desert bloom 2027",
            "--role=admin",
            env=env,
            cwd=tmp_path,
        )
        assert created.returncode == 0, created.stderr

        refused = run_yoc("restore", str(written), env=env, cwd=tmp_path)

        assert refused.returncode == 1
        assert refused.stdout == ""
        assert refused.stderr.count("\n") == 1
        assert refused.stderr.startswith("yoc: Refusing to restore: ")
        assert "is not empty" in refused.stderr
        assert "`yoc restore --force`" in refused.stderr
        rosa = "SELECT count(*) FROM users WHERE email = 'rosa@example.org'"
        assert query(target, rosa) == [(1,)]

        forced = run_yoc("restore", str(written), "--force", env=env, cwd=tmp_path)

        assert forced.returncode == 0, forced.stderr
        assert query(target, rosa) == [(0,)]
        assert counts(target) == counts(source)
        assert seats_that_do_not_add_up(target) == []


def test_backup_never_overwrites_a_file(demo_backup, tmp_path: Path) -> None:
    source, _ = demo_backup
    existing = tmp_path / "monday.backup"
    existing.write_bytes(b"last week")

    done = run_yoc("backup", f"--output={existing}", env=operator_env(source), cwd=tmp_path)

    assert done.returncode == 1
    assert done.stderr == f"yoc: {existing} already exists: choose another file name.\n"
    assert existing.read_bytes() == b"last week"


def test_restore_says_plainly_when_the_file_is_no_backup(server_url: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    with fresh_database(server_url, tmp_path, "backup_wrong_file") as target:
        done = run_yoc("restore", str(notes), env=operator_env(target), cwd=tmp_path)

        assert done.returncode == 1
        assert done.stderr == f"yoc: {notes} is not a backup made by `yoc backup`.\n"
        if is_postgres(target):
            assert table_names(target) == []
        else:
            assert not Path(target.removeprefix("sqlite://")).exists()


def test_a_pg_dump_older_than_the_server_is_refused_plainly(
    demo_backup, server_url: str, tmp_path: Path
) -> None:
    """pg_dump refuses a server newer than itself; the operator hears which package to
    install, from `yoc backup` and beforehand from `yoc check`."""
    if not is_postgres(server_url):
        pytest.skip("pg_dump backs up PostgreSQL: give one with --database-url")
    source, _ = demo_backup
    old_tools = tmp_path / "bin"
    old_tools.mkdir()
    pg_dump = old_tools / "pg_dump"
    pg_dump.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    pg_dump.chmod(0o755)
    env = operator_env(source)
    env["PATH"] = f"{old_tools}:{env['PATH']}"
    server = query(source, "SHOW server_version_num")[0][0][:-4]

    backup = run_yoc("backup", f"--output={tmp_path}", env=env, cwd=tmp_path)
    check = run_yoc("check", "--json", env=env, cwd=tmp_path)

    assert backup.returncode == 1
    assert backup.stderr == (
        f"yoc: pg_dump 9 cannot back up a PostgreSQL {server} server: install "
        f"postgresql-client-{server}.\n"
    )
    assert list(tmp_path.glob("yoc-*")) == []
    backups = [c for c in json.loads(check.stdout)["checks"] if c["name"] == "backups"]
    assert backups == [
        {
            "name": "backups",
            "status": "WARN",
            "message": f"pg_dump 9.6 is older than the server ({server}) and will refuse to "
            f"back it up: install postgresql-client-{server} (or newer).",
        }
    ]
