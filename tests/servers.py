"""Real server processes for tests that need more than one process, or a browser."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import IO

import httpx

from tests.conftest import TEST_SECRET
from yoc.settings import PROJECT_DIR


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, port: int, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "YOC_ENV": "test",
        "YOC_DATABASE_URL": database_url,
        "YOC_SECRET_KEY": TEST_SECRET,
        "YOC_BASE_URL": f"http://127.0.0.1:{port}",
        "YOC_RUN_JOBS_IN_PROCESS": "0",
        **extra,
    }


class ServerDidNotStart(RuntimeError):
    pass


@contextlib.contextmanager
def running_process(
    command: list[str],
    *,
    env: dict[str, str],
    health: str,
    log: IO[bytes],
    timeout: float = 20,
    cwd: str | os.PathLike[str] = PROJECT_DIR,
) -> Iterator[subprocess.Popen]:
    """Start a server process in ``cwd``; yield it once ``health`` answers (below 500);
    stop it afterwards. Its output goes to ``log``, which the error shows if it does not
    start."""
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(health, timeout=2).status_code < 500:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                output = log.read().decode(errors="replace")[-3000:]
                raise ServerDidNotStart(f"{' '.join(command)} did not start:\n{output}")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def running_server(database_url: str, **extra_env: str) -> Iterator[str]:
    """Start ``yoc serve`` in its own process; yield its base URL; stop it afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (
        tempfile.TemporaryFile() as log,
        running_process(
            [sys.executable, "-m", "yoc.cli", "serve", "--port", str(port)],
            env=server_env(database_url, port, **extra_env),
            health=f"{base}/livez",
            log=log,
        ),
    ):
        yield base
