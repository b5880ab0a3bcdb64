"""A page as a tree of elements, read with the standard library's HTML parser, so a test
can ask what a person (or a screen reader) finds on it: the first thing in the main
content, the element a link points to, an input's value and what describes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def text(self) -> str:
        """The element's text, spaces collapsed."""
        parts: list[str] = []

        def walk(node: Element | str) -> None:
            if isinstance(node, str):
                parts.append(node)
            else:
                for child in node.children:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    @property
    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    def iter(self) -> list[Element]:
        found: list[Element] = []
        for child in self.elements:
            found.append(child)
            found.extend(child.iter())
        return found

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Descendants with ``tag`` (any when None) and these attribute values
        (``class_`` for class, matching one of its words)."""
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if all(_attr_matches(element, name, value) for name, value in attrs.items()):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Element | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def by_id(self, element_id: str) -> Element | None:
        return self.find(id=element_id)

    def closest(self, tag: str) -> Element | None:
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node


def _attr_matches(element: Element, name: str, value: str) -> bool:
    if name == "class_":
        return value in (element.get("class") or "").split()
    return element.get(name.replace("_", "-")) == value


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs}, [], self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs}, [], self.current)
        self.current.children.append(element)

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_page(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass
class ErrorSummary:
    """The error summary at the top of a page that refused a form."""

    element: Element
    heading: str
    items: list[tuple[str, str | None]]  # (text, the id the link points to)


def main_content(page: Element) -> Element:
    main = page.find("main")
    assert main is not None, "the page has no <main>"
    return main


def error_summary(html: str) -> ErrorSummary:
    """The error summary, which must be the first thing in the main content."""
    page = parse_page(html)
    first = main_content(page).elements[0]
    assert first.get("id") == "error-summary", (
        f"the main content starts with <{first.tag} {first.attrs}>, not the error summary"
    )
    heading = first.find(id=first["aria-labelledby"])
    assert heading is not None, "the summary's aria-labelledby names no element"
    items = []
    for item in first.find_all("li"):
        link = item.find("a")
        target = link["href"].removeprefix("#") if link is not None else None
        items.append((item.text, target))
    return ErrorSummary(first, heading.text, items)


def linked_fields(html: str) -> dict[str, Element]:
    """Each link of the summary and the form control it leads to, which must exist, be
    marked invalid, and be described by its own message."""
    page = parse_page(html)
    fields = {}
    for text, target in error_summary(html).items:
        assert target is not None, f"{text!r} in the summary links to no field"
        control = page.by_id(target)
        assert control is not None, f"{text!r} links to #{target}, which is not on the page"
        assert control.get("aria-invalid") == "true", f"#{target} is not marked invalid"
        described = (control.get("aria-describedby") or "").split()
        messages = [page.by_id(i) for i in described]
        assert any(m is not None and m.text and m.text in text for m in messages), (
            f"#{target} is not described by its message {text!r}"
        )
        fields[text] = control
    return fields
