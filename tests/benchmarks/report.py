"""The benchmark's output: a table in the terminal, docs/performance.md, and plots.

The measured part of docs/performance.md sits between two markers and is replaced on
each run; what is written around it (findings, profiles) stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yoc.settings import PROJECT_DIR

DOC = PROJECT_DIR / "docs" / "performance.md"
IMG = PROJECT_DIR / "docs" / "img"
START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
HEADER = (
    "| scenario | requests/s | p50 ms | p99 ms | errors | ratio to floor | notes |",
    "|---|---:|---:|---:|---:|---:|---|",
)


def _cells(result: Any) -> list[str]:
    if result.skipped:
        return [result.scenario, "—", "—", "—", "—", "—", result.skipped]
    ratio = "—" if result.floor_ratio is None else f"{result.floor_ratio:.0%}"
    return [
        result.scenario,
        f"{result.rps:,.0f}",
        f"{result.p50_ms:.1f}",
        f"{result.p99_ms:.1f}",
        str(result.errors),
        ratio,
        result.note,
    ]


def row(result: Any) -> str:
    cells = _cells(result)
    if result.skipped:
        return f"  {cells[0]}: {result.skipped}"
    return (
        f"  {cells[0]}: {cells[1]}/s, p50 {cells[2]} ms, p99 {cells[3]} ms, "
        f"errors {cells[4]}, floor {cells[5]}"
    )


def table(results: list[Any]) -> str:
    lines = list(HEADER)
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in results]
    return "\n".join(lines)


def _curve_table(curve: list[dict]) -> str:
    lines = ["| orders in the database | scenario | requests/s | p50 ms | p99 ms |"]
    lines.append("|---:|---|---:|---:|---:|")
    for point in curve:
        lines.append(
            f"| {point['orders']:,} | {point['scenario']} | {point['rps']:,.0f} | "
            f"{point['p50_ms']:.1f} | {point['p99_ms']:.1f} |"
        )
    for name in sorted({p["scenario"] for p in curve}):
        points = [p for p in curve if p["scenario"] == name]
        change = points[-1]["rps"] / points[0]["rps"] - 1
        lines.append("")
        lines.append(
            f"{name}: {change:+.0%} requests/s from {points[0]['orders']:,} to "
            f"{points[-1]['orders']:,} orders."
        )
    return "\n".join(lines)


def _by_name(results: list[Any], prefix: str) -> Any | None:
    return next((r for r in results if r.scenario.startswith(prefix) and not r.skipped), None)


def _change(curve: list[dict], scenario: str) -> float | None:
    points = [p for p in curve if p["scenario"] == scenario]
    return points[-1]["rps"] / points[0]["rps"] - 1 if len(points) > 1 else None


def targets(results: list[Any], curve: list[dict], rss_kb: list[int]) -> str:
    """Each target of the issue beside what this run measured, and whether it is met:
    worked out from the figures, so it cannot fall behind them."""
    rows = ["| target | measured | met |", "|---|---|---|"]

    def line(target: str, measured: str, met: bool | None) -> None:
        rows.append(f"| {target} | {measured} | {'—' if met is None else 'yes' if met else 'no'} |")

    page = _by_name(results, "Public festival page")
    if page:
        line(
            "Festival page ≥ 50% of the floor, p99 < 100 ms",
            f"{page.floor_ratio:.0%} of the floor, p99 {page.p99_ms:.0f} ms",
            page.floor_ratio >= 0.5 and page.p99_ms < 100,
        )
    orders = _by_name(results, "Free-ticket orders")
    if orders:
        ratio = "" if orders.floor_ratio is None else f" ({orders.floor_ratio:.0%} of the floor)"
        line(
            "Orders ≥ 300/s on one event, every one correct",
            f"{orders.rps:,.0f}/s{ratio}, every sale checked",
            orders.rps >= 300,
        )
    scans = _by_name(results, "Check-in")
    if scans:
        line(
            "Check-in ≥ 500 scans/s, no ticket admitted twice",
            f"{scans.rps:,.0f}/s ({scans.floor_ratio:.0%} of the floor page), none twice",
            scans.rps >= 500,
        )
    for prefix in ("Mentor cohort grid", "Member dashboard"):
        found = _by_name(results, prefix)
        if found:
            line(
                f"{found.scenario}: p99 < 150 ms",
                f"p99 {found.p99_ms:.0f} ms at {found.rps:,.0f} requests/s",
                found.p99_ms < 150,
            )
    for name in sorted({p["scenario"] for p in curve}):
        change = _change(curve, name)
        if change is not None:
            line(
                f"{name}: within 10% from 1,000 to 100,000 orders",
                f"{change:+.0%} requests/s",
                change >= -0.10,
            )
    if rss_kb:
        line(
            "Each worker < 200 MB resident after the whole benchmark",
            ", ".join(f"{kb / 1024:.0f} MB" for kb in rss_kb),
            max(rss_kb) < 200 * 1024,
        )
    return "\n".join(rows)


def plot(results: list[Any], curve: list[dict]) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    shown = [r for r in results if not r.skipped]
    names = [r.scenario for r in shown]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    left.barh(names, [r.rps for r in shown], color="#8a2b06")
    left.set_xlabel("requests/s (orders/s for orders), median of runs")
    left.invert_yaxis()
    right.barh(names, [r.p99_ms for r in shown], color="#1f5f8b")
    right.set_xlabel("p99 latency, ms")
    right.invert_yaxis()
    right.set_yticklabels([])
    fig.suptitle("YO-C under wrk: 2 workers, 64 connections")
    fig.tight_layout()
    scenarios = IMG / "bench-scenarios.png"
    fig.savefig(scenarios, dpi=110)
    plt.close(fig)

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name in sorted({p["scenario"] for p in curve}):
        points = [p for p in curve if p["scenario"] == name]
        sizes = [p["orders"] for p in points]
        left.plot(sizes, [p["rps"] for p in points], marker="o", label=name)
        right.plot(sizes, [p["p99_ms"] for p in points], marker="o", label=name)
    for axis, label in ((left, "requests/s"), (right, "p99 latency, ms")):
        axis.set_xscale("log")
        axis.set_xlabel("orders in the database")
        axis.set_ylabel(label)
        axis.set_ylim(bottom=0)
        axis.grid(True, alpha=0.3)
        axis.legend()
    fig.suptitle("Cost against data size")
    fig.tight_layout()
    size = IMG / "bench-data-size.png"
    fig.savefig(size, dpi=110)
    plt.close(fig)
    return [scenarios, size]


def write(
    *,
    results: list[Any],
    curve: list[dict],
    rss_kb: list[int],
    info: dict[str, str],
    note: str,
    settings: dict[str, Any],
) -> None:
    images = plot(results, curve)
    s = settings
    body = [
        START,
        f"Measured {info['date']} ({info['mode']} run, {info['duration']}).",
        "",
        f"- Machine: {info['cores']} cores ({info['cpu']}), {info['memory']} memory, {info['os']}.",
        f"- Software: Python {info['python']}, {info['versions']}; {info['database']}; "
        f"{info['wrk']}.",
        f"- Method: `yoc serve --workers {s['workers']}` (YOC_ENV=production), wrk with "
        f"{s['threads']} threads and {s['connections']} connections on the same machine; "
        f"each scenario warms up for {s['warmup']} s, then runs {s['runs']} times "
        f"({s['run']} s for pages); the table shows medians of the runs (errors: their sum).",
        f"- Data: 2 festivals with 8 ticket types, {s['orders']:,} orders with their "
        "tickets, 600 members in 20 groups with mentors, 40 modules with progress. Orders: "
        f"each run is a fresh sale of {s['drop']:,} free tickets, driven until sold out. "
        f"Check-in: {s['scans']:,} distinct tickets per run, each scanned once, plus about "
        "4% second scans of a ticket already in and 1% retries of the same scan.",
    ]
    if note:
        body += ["", f"**Note:** {note}"]
    body += ["", table(results), ""]
    body += [
        "Ratio to floor: pages and check-in against the floor page, orders against the "
        "bare order path.",
        "",
        f"Resident memory of each worker after the whole benchmark: "
        f"{', '.join(f'{kb / 1024:.0f} MB' for kb in rss_kb)}.",
        "",
        "### Against the targets",
        "",
        targets(results, curve, rss_kb),
        "",
        f"![Throughput and p99 per scenario](img/{images[0].name})",
        "",
        "### Against data size",
        "",
        f"Short runs ({s['curve_run']} s, {s['runs']} runs after a warm-up) at each size, in "
        "two rounds (sizes up, then down, so that a drift of the machine during the run "
        f"does not read as a cost of size): medians of {2 * s['runs']} runs per size. The "
        "order history is rebuilt, vacuumed and analysed at each step.",
        "",
        _curve_table(curve),
        "",
        f"![Latency against data size](img/{images[1].name})",
        END,
    ]
    text = "\n".join(body)
    if DOC.exists():
        current = DOC.read_text()
        if START in current and END in current:
            before, rest = current.split(START, 1)
            after = rest.split(END, 1)[1]
            DOC.write_text(before + text + after)
            return
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("# Performance\n\n## Results\n\n" + text + "\n")
