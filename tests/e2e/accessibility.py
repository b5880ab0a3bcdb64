"""axe-core in the browser journeys: run Deque's accessibility rules on the page as the
person sees it, with the WCAG 2.x A and AA rules (and WCAG 2.2's), and sort what it
finds by impact.

axe-core is vendored (``tests/e2e/vendor/axe-core-<version>.min.js``, MPL-2.0, its
licence next to it) so a fresh machine and CI run it without the network. To upgrade:
``npm pack axe-core@<version>``, copy ``package/axe.min.js`` and ``package/LICENSE`` there
under the new version's name, and change ``AXE_VERSION``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Page

AXE_VERSION = "4.14.1"
AXE_SOURCE = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = ("serious", "critical")
REVIEWED = ("moderate",)  # fixed, or listed with a reason in docs/accessibility.md


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (" …" if len(self.targets) > 5 else "")
        return f"[{self.impact}] {self.rule}: {self.help} ({shown})"


async def axe_violations(page: Page) -> dict[str, list[Violation]]:
    """The WCAG A/AA violations axe-core finds on ``page`` now, by impact
    (``minor``, ``moderate``, ``serious``, ``critical``)."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    raw = await page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            });
            return result.violations.map(v => ({
                rule: v.id, impact: v.impact || 'minor', help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
            }));
        }""",
        WCAG_TAGS,
    )
    found: dict[str, list[Violation]] = {}
    for item in raw:
        violation = Violation(item["rule"], item["impact"], item["help"], tuple(item["targets"]))
        found.setdefault(violation.impact, []).append(violation)
    return found


def blocking(
    found: dict[str, list[Violation]],
    known: frozenset[tuple[str, str]] = frozenset(),
    impacts: tuple[str, ...] = BLOCKING,
) -> list[str]:
    """The violations of ``impacts`` (serious and critical unless told), less the
    ``known`` ones: (rule id, CSS target) pairs, each excused only on that element."""
    lines = []
    for impact in impacts:
        for violation in found.get(impact, []):
            targets = tuple(t for t in violation.targets if (violation.rule, t) not in known)
            if targets:
                lines.append(str(Violation(violation.rule, impact, violation.help, targets)))
    return lines
