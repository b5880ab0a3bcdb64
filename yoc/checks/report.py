"""Run every check, and report the findings as lines of text or as JSON."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import asdict

from yoc.checks.config import check_base_url, check_stripe, read_settings
from yoc.checks.database import check_database
from yoc.checks.findings import Finding, Status, fail
from yoc.checks.services import check_redis, check_smtp


async def run_checks(environ: Mapping[str, str]) -> list[Finding]:
    """Every finding about the installation these environment variables describe."""
    settings, findings = read_settings(environ)
    if settings is None:
        return [*findings, fail("database", "Not checked: the settings above cannot be read.")]
    findings += [
        check_base_url(settings),
        *await check_database(settings),
        await check_smtp(settings),
        *check_stripe(settings),
        await check_redis(settings),
    ]
    return findings


def exit_status(findings: list[Finding]) -> int:
    return 1 if any(f.status == Status.FAIL for f in findings) else 0


def as_text(findings: list[Finding]) -> str:
    width = max(len(f.name) for f in findings)
    lines = [f"{f.status.value:<5} {f.name:<{width}}  {f.message}" for f in findings]
    failed = sum(f.status == Status.FAIL for f in findings)
    warned = sum(f.status == Status.WARN for f in findings)
    if failed:
        lines.append(f"{failed} problem(s) to fix, {warned} warning(s).")
    else:
        lines.append(f"Nothing fails; {warned} warning(s).")
    return "\n".join(lines)


def as_json(findings: list[Finding]) -> dict:
    return {"ok": exit_status(findings) == 0, "checks": [asdict(f) for f in findings]}


def run(environ: Mapping[str, str]) -> list[Finding]:
    return asyncio.run(run_checks(environ))
