"""A figure's table drawn as an SVG chart by matplotlib, on the server, to be placed
inline in a page.

The page's Content-Security-Policy allows no inline script and no inline style, so the
SVG carries neither: matplotlib writes its look as ``style`` attributes, which become SVG
presentation attributes (``fill="#0b6e69"``), allowed by the policy. No font is fetched:
the text names local font families only. Element ids are made unique per chart, so that
several charts can share a page."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import matplotlib
from markupsafe import Markup
from matplotlib.figure import Figure as Canvas

from yoc.impact.services.figures import Cell, Chart, Few, Hours, Money, Percent, Table

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

# Okabe and Ito's palette, told apart with colour blindness, and a marker each for
# those who cannot tell colours apart at all.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")
MARKERS = ("o", "s", "^", "D", "v", "P")
INK = "#1f1a17"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "yoc",
    # Names staff typed ("$5 night") are text, not TeX.
    "text.parse_math": False,
    "font.size": 13,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.edgecolor": "#5c534c",
}
# The same for every chart, and set once: a per-chart rc_context would change the
# process's settings under another thread's drawing.
matplotlib.rcParams.update(RC)
URL = re.compile(r"url\(#([\w.-]+)\)")


def _number(cell: Cell) -> float:
    if isinstance(cell, Money):
        return cell.cents / 100
    if isinstance(cell, Percent):
        return cell.share * 100
    if isinstance(cell, Hours):
        return cell.minutes / 60
    if isinstance(cell, Few):
        return 0
    return cell


def _draw_months(canvas: Canvas, table: Table) -> None:
    ax = canvas.subplots()
    labels = [label for label, _ in table.rows]
    for i, name in enumerate(table.columns[1:]):
        values = [_number(cells[i]) for _, cells in table.rows]
        ax.plot(
            labels,
            values,
            label=name,
            color=COLOURS[i % len(COLOURS)],
            marker=MARKERS[i % len(MARKERS)],
            linewidth=2,
        )
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.grid(axis="y", color="#ddd3c7")
    ax.spines[["top", "right"]].set_visible(False)
    if len(table.columns) > 2:
        ax.legend(frameon=False)


def _draw_bars(canvas: Canvas, table: Table, shown: list[str]) -> None:
    ax = canvas.subplots()
    labels = [label for label, _ in table.rows]
    values = [_number(cells[-1]) for _, cells in table.rows]
    bars = ax.barh(labels, values, color=COLOURS[0])
    ax.bar_label(bars, labels=shown, padding=4)
    ax.invert_yaxis()
    ax.set_xlim(right=max([*values, 1]) * 1.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(table.columns[-1])
    ax.spines[["top", "right"]].set_visible(False)


def _reference(name: str, value: str) -> str | None:
    """The id an attribute points at (``xlink:href="#p1"``, ``clip-path="url(#p1)"``)."""
    if name.endswith("href") and value.startswith("#"):
        return value[1:]
    found = URL.fullmatch(value)
    return found.group(1) if found else None


def _clean(svg: str, *, label: str, prefix: str) -> str:
    """No style element or attribute, no metadata, only the ids something points at
    (renamed for this chart), and a width that follows the page."""
    root = ET.fromstring(svg)  # noqa: S314 - matplotlib wrote it, here, from our numbers
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        if element.tag in (f"{{{SVG}}}style", f"{{{SVG}}}metadata"):
            parents[element].remove(element)
    referenced = sorted(
        {target for e in root.iter() for n, v in e.attrib.items() if (target := _reference(n, v))}
    )
    renamed = {old: f"{prefix}-{i}" for i, old in enumerate(referenced)}
    for element in root.iter():
        for rule in element.attrib.pop("style", "").split(";"):
            name, _, value = rule.partition(":")
            if name.strip():
                element.set(name.strip(), value.strip())
        if "font-family" in element.attrib:
            element.set("font-family", FONT)
        if (old := element.attrib.pop("id", None)) in renamed:
            element.set("id", renamed[old])
        for name, value in list(element.attrib.items()):
            if (target := _reference(name, value)) in renamed:
                element.set(name, value.replace(f"#{target}", f"#{renamed[target]}"))
    for name in ("width", "height", "version"):
        root.attrib.pop(name, None)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("focusable", "false")
    return ET.tostring(root, encoding="unicode")


def draw(table: Table, chart: Chart, *, label: str, prefix: str, shown: list[str]) -> Markup:
    """The chart of ``table`` as inline SVG, named ``label`` for screen readers.
    ``shown`` is how each bar's value reads (a bar chart writes it beside the bar)."""
    height = 4 if chart == Chart.MONTHS else max(2.4, 0.45 * len(table.rows) + 1.2)
    canvas = Canvas(figsize=(6.4, height), layout="constrained")
    if chart == Chart.MONTHS:
        _draw_months(canvas, table)
    else:
        _draw_bars(canvas, table, shown)
    out = io.StringIO()
    canvas.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = _clean(out.getvalue(), label=label, prefix=prefix)
    return Markup(svg)  # noqa: S704 - written by ElementTree, which escapes text and attributes
