"""Formatted text staff write (yoc.richtext): Markdown with links, and nothing that runs."""

from __future__ import annotations

import pytest

from yoc.richtext import to_html


def test_markdown_renders_paragraphs_emphasis_lists_and_links() -> None:
    html = to_html(
        "Read **the guide** to the *LCAP*:\n\n"
        "- [The state's page](https://www.cde.ca.gov/re/lc/)\n"
        "- [Our festival](/events/the-hue-2027)\n"
    )

    assert html == (
        "<p>Read <strong>the guide</strong> to the <em>LCAP</em>:</p>\n"
        "<ul>\n"
        '<li><a href="https://www.cde.ca.gov/re/lc/" rel="noopener noreferrer nofollow">'
        "The state's page</a></li>\n"
        '<li><a href="/events/the-hue-2027" rel="noopener noreferrer nofollow">Our festival</a>'
        "</li>\n"
        "</ul>\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Hello <script>alert('x')</script> world",
        "<script>\nalert('x')\n</script>\n\nHello world",
        '<p onclick="alert(1)">Hello world</p>',
        "Hello <img src=x onerror=\"alert('x')\"> world",
        '<iframe src="https://evil.example"></iframe>Hello world',
        "<style>body{display:none}</style>Hello world",
    ],
    ids=["inline script", "script block", "event handler", "image", "iframe", "style"],
)
def test_scripts_and_what_runs_are_stripped(text: str) -> None:
    html = to_html(text)

    assert "Hello" in html and "world" in html
    for banned in ("<script", "alert", "onclick", "onerror", "<img", "<iframe", "<style"):
        assert banned not in html


@pytest.mark.parametrize(
    "text",
    [
        "[Click me](javascript:alert(1))",
        '<a href="javascript:alert(1)">Click me</a>',
        "[Click me](JaVaScRiPt:alert(1))",
        "[Click me](data:text/html;base64,PHNjcmlwdD4=)",
        "[Click me](vbscript:msgbox)",
    ],
)
def test_links_that_run_code_are_no_links(text: str) -> None:
    html = to_html(text)

    # Shown as the text it is, or a link with no address: nothing to click that runs.
    assert "Click me" in html
    assert "href" not in html


def test_headings_start_below_the_pages_own() -> None:
    assert to_html("# Why stories\n\n## Your turn") == "<h3>Why stories</h3>\n<h4>Your turn</h4>\n"
    assert (
        to_html("### Think about it\n\n#### Alone") == "<h3>Think about it</h3>\n<h4>Alone</h4>\n"
    )


def test_empty_text_is_empty_markup() -> None:
    assert to_html("") == ""
    assert to_html("  \n ") == ""
