"""What `yoc check` reports: one finding per line, OK, WARN or FAIL, with what to do."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from enum import StrEnum

# How long one service may take to answer before it counts as unreachable.
TIMEOUT_SECONDS = 10


class Status(StrEnum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    name: str
    status: Status
    message: str


def ok(name: str, message: str) -> Finding:
    return Finding(name, Status.OK, message)


def warn(name: str, message: str) -> Finding:
    return Finding(name, Status.WARN, message)


def fail(name: str, message: str) -> Finding:
    return Finding(name, Status.FAIL, message)


def reason(exc: BaseException) -> str:
    """The cause in plain words: refused, no answer, or what the error says."""
    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 5:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    text = str(exc).strip().rstrip(".")
    if any(
        isinstance(c, ConnectionRefusedError) or getattr(c, "errno", None) == errno.ECONNREFUSED
        for c in causes
    ) or re.search(r"refused|errno 111\b", text, re.IGNORECASE):
        return "the connection was refused (nothing listens there)"
    if any(isinstance(c, TimeoutError) for c in causes) or not text:
        return f"no answer within {TIMEOUT_SECONDS} seconds"
    return text
