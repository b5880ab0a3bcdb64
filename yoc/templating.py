"""The Jinja2 environment shared by web pages and emails."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from yoc import enums, i18n
from yoc.settings import PROJECT_DIR

TEMPLATE_DIR = PROJECT_DIR / "templates"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext_raw, i18n.ngettext_raw, newstyle=True)  # type: ignore[attr-defined]
    env.filters["datetime"] = i18n.format_datetime
    env.filters["date"] = i18n.format_date
    env.filters["money"] = i18n.format_money
    env.filters["when"] = i18n.format_when
    env.filters["clock"] = i18n.format_clock
    env.filters["iso_time"] = lambda text: (
        i18n.format_datetime(datetime.fromisoformat(text), "short") if text else ""
    )
    env.filters["tr"] = i18n.tr
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.globals["LANGUAGE_NAMES"] = i18n.LANGUAGE_NAMES
    env.globals["current_language"] = i18n.get_language
    # Labelled enums by class name (yoc.enums): enums.Community.choices(). The domains
    # fill it as they define them, so this module names none of them.
    env.globals["enums"] = enums.REGISTRY
    return env


def render_blocks(name: str, context: dict[str, Any], *blocks: str) -> dict[str, str]:
    """Render named blocks of one template (an email's subject, text and html)."""
    template = environment().get_template(name)
    ctx = template.new_context(context)
    out = {}
    for block in blocks:
        if block in template.blocks:
            out[block] = "".join(template.blocks[block](ctx)).strip()
    return out
