"""Formatted text that staff write (an activity's reading) in Markdown, shown as HTML.

Two locks, so a slip in one is caught by the other: markdown-it renders the Markdown
(its own check refuses ``javascript:`` and similar links), then nh3 (the Ammonia
sanitiser) cleans the HTML to a short list of tags without attributes that run anything,
and links to http, https and mailto addresses (or addresses on this site). A little HTML
typed in the text (``<em>``) is kept when allowed; a script is removed with its content.
Headings start at level 3 (the text's highest becomes <h3>): the page and the activity
have theirs.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

TAGS = frozenset(
    {"p", "br", "strong", "em", "del", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr"}
    | {"h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
)
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# The level a text's highest heading is shown at.
TOP_HEADING = 3

_markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _lower_headings(tokens: list[Token]) -> None:
    """The text's highest heading becomes <h3>, and the others keep their distance."""
    headings = [t for t in tokens if t.type in ("heading_open", "heading_close")]
    if not headings:
        return
    shift = TOP_HEADING - min(int(t.tag[1]) for t in headings)
    for token in headings:
        token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"


@lru_cache(maxsize=512)
def to_html(text: str) -> Markup:
    """``text`` (Markdown) as safe HTML; empty text gives empty markup."""
    if not text or not text.strip():
        return Markup("")
    tokens = _markdown.parse(text)
    _lower_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    clean = nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 - cleaned by nh3 to the tags and links above
