"""What a person would see: console problems, charts that really drew, axe-core, full-page screenshots.

Used by the browser tests (tests/e2e) and by `make screenshots` (scripts/screenshots.py). Nothing
here writes into the checkout: screenshots go to the folder the caller names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Every page of app.py: URL path (after the host) and the heading that says it has loaded.
PAGES: dict[str, str] = {
    "": "How is your back today?",
    "log_exercise": "Log an exercise session",
    "dashboard": "Dashboard",
    "insights": "Insights",
    "experiments": "Experiments",
    "history": "History",
    "guide": "Exercise guide",
    "report": "Report for your doctor",
    "data": "Your data",
    "settings": "Settings",
}
WIDTHS = {"laptop": (1280, 900), "phone": (390, 844)}
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Mobile Safari/537.36"
)
MIN_PLOT_HEIGHT = 100  # px for a 0-10 (or any continuous) y axis: a smaller one cannot be read
MIN_CHART_WIDTH = 300  # px for every chart, also on a 390 px phone


@dataclass
class Console:
    """Console errors and warnings a page raised, without Streamlit's own deep-link 404 probes."""

    base_url: str
    problems: list[str] = field(default_factory=list)

    def _ignored(self, text: str, url: str) -> bool:
        # Opened directly at /<page>, Streamlit first probes /<page>/_stcore/health and host-config
        # (404) before it finds the server root: these two exact messages are harmless.
        probe = url.removeprefix(self.base_url).split("/")
        return (
            text == "Failed to load resource: the server responded with a status of 404 (Not Found)"
            and len(probe) == 4
            and probe[1] in PAGES
            and probe[2:] in (["_stcore", "health"], ["_stcore", "host-config"])
        )

    def attach(self, page: Any) -> None:
        """Listen to console messages and uncaught errors of ``page``."""

        def on_console(msg: Any) -> None:
            if msg.type in ("error", "warning") and not self._ignored(msg.text, msg.location.get("url", "")):
                self.problems.append(f"{msg.type}: {msg.text.splitlines()[0]}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))


def new_page(browser: Any, width: str) -> Any:
    """A page at a named width; "phone" is a real phone's viewport, touch and user agent."""
    w, h = WIDTHS[width]
    if width == "phone":
        return browser.new_page(
            viewport={"width": w, "height": h}, is_mobile=True, has_touch=True, user_agent=PHONE_AGENT
        )
    return browser.new_page(viewport={"width": w, "height": h})


def settle(page: Any, heading: str, timeout: int = 30000) -> None:
    """Wait for the page heading, the end of Streamlit's run and every chart's SVG."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=timeout)
    idle(page, timeout)
    charts = page.get_by_test_id("stVegaLiteChart")
    for i in range(charts.count()):
        expect(charts.nth(i).locator("svg.marks")).to_have_count(1, timeout=timeout)
    page.wait_for_timeout(700)  # Vega draws after the element appears


def idle(page: Any, timeout: int = 30000) -> None:
    """Wait until Streamlit's script run has finished (the app root says so) and nothing is pending."""
    from playwright.sync_api import expect

    page.wait_for_timeout(200)
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)


_CHART_JS = r"""
() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].map((chart) => {
  const svg = chart.querySelector('svg.marks');
  if (!svg) return {title: '', width: 0, height: 0, marks: 0, problems: ['no SVG drawn']};
  const box = svg.getBoundingClientRect();
  // Text boxes include the font's ascent, so they may overhang the SVG by a few pixels across the
  // text's line (sideways for a rotated axis title), but not along it: a title 3 px past the right
  // edge lost its closing bracket on a phone.
  const inside = (r, across = 1, along = 1) => r.width === 0 || (
      r.left >= box.left - along && r.right <= box.right + along
      && r.top >= box.top - across && r.bottom <= box.bottom + across);
  const rotated = (t) => /rotate\(-?(90|270)/.test(t.getAttribute('transform') || '')
      || /rotate\(-?(90|270)/.test(t.parentElement.getAttribute('transform') || '');
  const skip = '.role-axis, .role-legend, .role-title';
  const items = [...svg.querySelectorAll('g.role-mark > *')].filter((el) => !el.closest(skip)
      && !el.parentElement.classList.contains('mark-text'));
  const problems = [];
  const outside = items.filter((el) => !inside(el.getBoundingClientRect()));
  if (outside.length) problems.push(`${outside.length} marks drawn outside the chart (cut off)`);
  const titleEl = svg.querySelector('.role-title-text text');
  const title = titleEl ? titleEl.textContent : '';
  const shown = (el) => getComputedStyle(el).opacity !== '0' && el.getAttribute('opacity') !== '0';
  for (const t of [...svg.querySelectorAll('text')].filter(shown)) {
    if (t.textContent.includes('…')) problems.push(`text cut: "${t.textContent}"`);
    const ok = rotated(t) ? inside(t.getBoundingClientRect(), 1.5, 5) : inside(t.getBoundingClientRect(), 5, 1.5);
    if (!ok) problems.push(`text outside the chart: "${t.textContent}"`);
  }
  if (titleEl) {
    const tb = titleEl.getBoundingClientRect();
    for (const g of svg.querySelectorAll('.role-legend, .role-mark')) {
      if (g.closest('.role-title')) continue;
      const r = g.getBoundingClientRect();
      const overlap = Math.min(tb.right, r.right) - Math.max(tb.left, r.left) > 2
                   && Math.min(tb.bottom, r.bottom) - Math.max(tb.top, r.top) > 2;
      if (overlap) { problems.push(`title "${title}" covered`); break; }
    }
  }
  for (const axis of svg.querySelectorAll('g.role-axis[aria-label^="Y-axis"]')) {
    const label = axis.getAttribute('aria-label');
    const labels = axis.querySelector('.role-axis-label');
    const h = labels ? labels.getBoundingClientRect().height : 0;
    if (/linear|time/.test(label) && h < MIN_H) problems.push(`y axis only ${Math.round(h)} px tall`);
  }
  const description = chart.getAttribute('aria-label') || '';
  if (!description || description === 'Vega visualization') problems.push('no text description');
  return {title, width: box.width, height: box.height, marks: items.length, description, problems};
})
""".replace("MIN_H", str(MIN_PLOT_HEIGHT - 20))


def chart_report(page: Any) -> list[dict[str, Any]]:
    """For every chart on the page: title, size, number of drawn marks and what is wrong with it."""
    result: list[dict[str, Any]] = page.evaluate(_CHART_JS)
    for chart in result:
        if chart["marks"] == 0:
            chart["problems"].append("no marks drawn")
        if chart["width"] < MIN_CHART_WIDTH:
            chart["problems"].append(f"only {chart['width']:.0f} px wide")
        if chart["width"] > page.viewport_size["width"]:
            chart["problems"].append("wider than the screen")
    return result


def chart_problems(page: Any) -> list[str]:
    """One line per problem of any chart on the page (empty when every chart is readable)."""
    return [
        f"chart {i + 1} '{c['title']}': {p}" for i, c in enumerate(chart_report(page)) for p in c["problems"]
    ]


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core (bundled by axe-playwright-python, no network) on the page: serious/critical findings."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(
            str(n["target"]) + " " + n.get("failureSummary", "").replace("\n", " ")[:160]
            for n in v["nodes"][:3]
        )
        for v in results["violations"]
        if v["impact"] in impacts
    ]


_CONTENT_HEIGHT_JS = """
() => {
  const main = document.querySelector('[data-testid=stMain]');
  const block = document.querySelector('[data-testid=stMainBlockContainer]');
  const bottom = block ? block.getBoundingClientRect().bottom + (main ? main.scrollTop : 0) : 0;
  const open = [...document.querySelectorAll(
      '[data-testid=stSidebar][data-collapsed=false] [data-testid=stSidebarContent]')].map((e) => e.scrollHeight);
  return Math.ceil(Math.max(bottom, main ? main.scrollHeight : 0, ...open));
}
"""


def full_screenshot(page: Any, path: Path) -> Path:
    """The whole page, not only the first screen: Streamlit scrolls inside its main area, so the
    viewport is made as tall as the content for the picture (measured again until it stops growing:
    charts and wrapped text grow when the window does) and restored afterwards. A closed sidebar (on
    a phone) does not count: its hidden content made every phone picture 2295 px tall."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    tall = height
    for _ in range(4):
        content = int(page.evaluate(_CONTENT_HEIGHT_JS))
        if content <= tall:
            break
        tall = content
        page.set_viewport_size({"width": width, "height": tall})
        page.wait_for_timeout(600)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": height})
    return path
