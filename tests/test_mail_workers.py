"""Two real `yoc worker` processes drain one outbox on PostgreSQL, through a slow mail
server, and every message arrives exactly once."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.conftest import SlowMailbox, serving_mail, until
from tests.servers import free_port, server_env
from tests.test_mail import nothing_queued, queue_for
from yoc.db import normalise_url
from yoc.mail import MailStatus, OutboxMessage


@pytest.fixture
def postgres(database_url: str) -> str:
    if not normalise_url(database_url).startswith("asyncpg://"):
        pytest.skip("several worker processes share one database on PostgreSQL")
    return database_url


@contextlib.contextmanager
def worker_process(database_url: str, **env: str) -> Iterator[subprocess.Popen]:
    """``yoc worker`` in its own process, stopped afterwards."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "yoc.cli", "worker"],
            env=server_env(database_url, free_port(), **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=20)
            log.seek(0)
            output = log.read().decode(errors="replace")
            assert "Traceback" not in output, output


async def test_two_worker_processes_and_a_slow_mail_server_send_each_message_once(
    app, postgres: str
) -> None:
    mailbox = SlowMailbox(seconds=0.15)
    buyers = [f"buyer{n}@example.org" for n in range(60)]
    await queue_for(buyers)

    with serving_mail(mailbox) as smtp_url:
        # 60 messages at 0.15 s each take 9 s to send; a claim lasts 2.
        env = {"YOC_SMTP_URL": smtp_url, "YOC_MAIL_LEASE_SECONDS": "2", "YOC_MAIL_BATCH": "5"}
        with worker_process(postgres, **env):
            # The second worker starts while the first is sending.
            await until(lambda: mailbox.messages, within=60)
            with worker_process(postgres, **env):
                await until(nothing_queued, within=120)

    received = Counter(message["To"] for message in mailbox.messages)
    assert received == Counter(buyers)
    assert await OutboxMessage.filter(status=MailStatus.SENT).count() == 60
