"""The Jinja2 environment shared by web pages and emails."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from yoc import i18n
from yoc.settings import PROJECT_DIR

TEMPLATE_DIR = PROJECT_DIR / "templates"


def _role_labels() -> dict[str, str]:
    # A context keeps "member" and "mentor" the roles apart from the same words as counted
    # nouns ("3 members"); "staff" and "admin" are only ever roles and need none.
    return {
        "member": i18n.pgettext("role", "member"),
        "mentor": i18n.pgettext("role", "mentor"),
        "staff": i18n.gettext("staff"),
        "admin": i18n.gettext("admin"),
    }


STATUS_LABELS = {
    "queued": i18n.N_("waiting to be sent"),
    "sent": i18n.N_("sent"),
    "failed": i18n.N_("could not be sent"),
}


def role_label(role: str) -> str:
    return _role_labels().get(str(role), str(role))


def role_options() -> list[tuple[str, str]]:
    return list(_role_labels().items())


def status_label(status: str) -> str:
    return i18n.gettext(STATUS_LABELS.get(str(status), str(status)))


def _label_tables() -> dict[str, dict]:
    from yoc.curriculum import enums as curriculum
    from yoc.members import enums
    from yoc.soapbox import enums as soapbox
    from yoc.soapbox.services.releases import KINDS as RELEASE_CHANGES

    return {
        "kind": curriculum.KIND_LABELS,
        "completion": curriculum.COMPLETION_LABELS,
        "progress": curriculum.STATE_LABELS,
        "community": enums.COMMUNITY_LABELS,
        "member_status": enums.STATUS_LABELS,
        "relationship": enums.RELATIONSHIP_LABELS,
        "purpose": enums.PURPOSE_LABELS,
        "public_name": enums.PUBLIC_NAME_LABELS,
        "speech_state": soapbox.STATE_LABELS,
        "speech_language": soapbox.LANGUAGE_LABELS,
        "access_need": soapbox.ACCESS_LABELS,
        "decision": soapbox.DECISION_LABELS,
        "score": soapbox.SCORE_LABELS,
        "rubric": soapbox.RUBRIC,
        "release_change": RELEASE_CHANGES,
    }


def label(kind: str, value: object) -> str:
    """The translated label of an enum value: label("community", "mecca")."""
    key = getattr(value, "value", value)
    table = {getattr(k, "value", k): v for k, v in _label_tables()[kind].items()}
    return i18n.gettext(table.get(key, str(key)))


def order_status_label(status: str) -> str:
    from yoc.tickets.enums import ORDER_STATUS_LABELS

    key = getattr(status, "value", status)
    return i18n.gettext({k.value: v for k, v in ORDER_STATUS_LABELS.items()}.get(key, key))


def payment_label(method: str) -> str:
    from yoc.tickets.enums import PAYMENT_LABELS

    key = getattr(method, "value", method)
    return i18n.gettext({k.value: v for k, v in PAYMENT_LABELS.items()}.get(key, key))


def options(kind: str) -> list[tuple[str, str]]:
    return [
        (str(getattr(key, "value", key)), i18n.gettext(text))
        for key, text in _label_tables()[kind].items()
    ]


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
    env.globals["role_label"] = role_label
    env.globals["role_options"] = role_options
    env.globals["status_label"] = status_label
    env.globals["label"] = label
    env.globals["order_status_label"] = order_status_label
    env.globals["payment_label"] = payment_label
    env.globals["options"] = options
    env.globals["community_options"] = lambda: options("community")
    env.globals["relationship_options"] = lambda: options("relationship")
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
