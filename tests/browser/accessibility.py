"""Accessibility checks run in Chromium: axe-core's rules (WCAG 2.2 AA) and reflow at 320 CSS pixels.

axe-core comes from the project's npm development dependencies and is injected into the page under test,
never fetched from the network. The browser context that runs it bypasses the Content-Security-Policy,
which would otherwise (rightly) refuse a script added to the page.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Violations we accept, each with why: (axe rule, a fragment of the element's HTML).
ALLOWED = [
    # GOV.UK Frontend's conditional radios (a radio that reveals a follow-up question) set aria-expanded
    # on the radio input; ARIA does not allow it on role=radio, but it is the design system's own,
    # tested markup and screen readers announce the state helpfully.
    ("aria-allowed-attr", 'class="govuk-radios__input"'),
]

SERIOUS = {"serious", "critical"}


def _allowed(rule: str, html: str) -> bool:
    return any(rule == allowed_rule and fragment in html for allowed_rule, fragment in ALLOWED)


def axe_problems(page) -> list[str]:
    """Serious and critical axe violations on the page as it is now, one line per element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {
                type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
            },
            resultTypes: ['violations'],
        })"""
    )
    problems = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            impact = node.get("impact") or violation.get("impact")
            if impact in SERIOUS and not _allowed(violation["id"], node["html"]):
                problems.append(f"{violation['id']} ({impact}): {violation['help']}: {node['html'][:160]}")
    return problems


def sideways_scroll(page) -> int:
    """How many CSS pixels the page scrolls sideways at its current width (0 when it reflows)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def check_page(page, label: str, problems: list[str]) -> None:
    """axe on the page at desktop width, then reflow at 320 pixels wide; problems are collected, labelled."""
    for problem in axe_problems(page):
        problems.append(f"{label} [{page.url}]: {problem}")
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = sideways_scroll(page)
    if overflow > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => !e.closest('.app-table-scroll'))
                .slice(0, 3).map(e => e.outerHTML.slice(0, 120))"""
        )
        problems.append(f"{label} [{page.url}]: scrolls sideways by {overflow}px at 320px wide: {wide}")
    page.set_viewport_size(size)
