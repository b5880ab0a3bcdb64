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

import httpx

from tests.conftest import TEST_SECRET


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


@contextlib.contextmanager
def running_server(database_url: str, **extra_env: str) -> Iterator[str]:
    """Start ``yoc serve`` in its own process; yield its base URL; stop it afterwards."""
    port = free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "yoc.cli", "serve", "--port", str(port)],
        env=server_env(database_url, port, **extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"server did not start:\n{log.read().decode(errors='replace')}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
