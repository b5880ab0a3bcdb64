"""The Jinja2 environment shared by web pages and emails."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from yoc import enums, i18n, richtext
from yoc.settings import PROJECT_DIR

TEMPLATE_DIR = PROJECT_DIR / "templates"


@cache
def environment() -> Environment:
    return _environment()


@cache
def mail_environment() -> Environment:
    """Emails: every value printed that is not one of the message's own links (named
    in the context's ``own_links``) has its URLs, domain names and addresses broken, so
    that what people type (a name, a title) never becomes a link in YO-C's email."""
    return _environment(finalize=_no_foreign_links)


# What a mail client makes a link of: a URL or www..., an email address, a domain name.
_LINKISH = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>\"']*"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)


def no_links(text: str, keep: Collection[str] = ()) -> str:
    """``text`` with every URL, domain name and email address in it made unclickable
    ("https://x.example" becomes "https[:]//x[.]example"), except those in ``keep``."""

    def defang(match: re.Match[str]) -> str:
        found = match.group(0)
        if found in keep:
            return found
        return found.replace("://", "[:]//").replace(".", "[.]").replace("@", "[at]")

    return _LINKISH.sub(defang, text)


@pass_context
def _no_foreign_links(context: Context, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    own = context.get("own_links") or ()
    if value in own:
        return value
    if isinstance(value, Markup):
        # Translated sentences in HTML come as markup: the links in it are escaped.
        return Markup(no_links(str(value), {*own, *(str(escape(link)) for link in own)}))  # noqa: S704 - only characters of escaped text are replaced
    return no_links(value, own)


def _environment(**options: Any) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
    # pgettext for words whose Spanish depends on who reads: "Your name" is "Tu nombre"
    # to a member and "Su nombre" to a ticket buyer (usted on public and guardian pages).
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext_raw, i18n.ngettext_raw, newstyle=True, pgettext=i18n.pgettext
    )
    env.filters["datetime"] = i18n.format_datetime
    env.filters["date"] = i18n.format_date
    env.filters["money"] = i18n.format_money
    env.filters["when"] = i18n.format_when
    env.filters["clock"] = i18n.format_clock
    env.filters["iso_time"] = lambda text: (
        i18n.format_datetime(datetime.fromisoformat(text)) if text else ""
    )
    env.filters["iso_date"] = lambda text: (
        i18n.format_date(date.fromisoformat(text)) if text else ""
    )
    env.filters["tr"] = i18n.tr
    env.filters["tr_language"] = i18n.tr_language
    env.filters["markdown"] = richtext.to_html
    env.filters["filesize"] = i18n.format_file_size
    env.filters["hours"] = i18n.format_hours
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.globals["LANGUAGE_NAMES"] = i18n.LANGUAGE_NAMES
    env.globals["current_language"] = i18n.get_language
    # Labelled enums by class name (yoc.enums): enums.Community.choices(). The domains
    # fill it as they define them, so this module names none of them.
    env.globals["enums"] = enums.REGISTRY
    return env


def render_blocks(
    name: str, context: dict[str, Any], *blocks: str, env: Environment | None = None
) -> dict[str, str]:
    """Render named blocks of one template (an email's subject, text and html)."""
    template = (env or environment()).get_template(name)
    ctx = template.new_context(context)
    out = {}
    for block in blocks:
        if block in template.blocks:
            out[block] = "".join(template.blocks[block](ctx)).strip()
    return out
