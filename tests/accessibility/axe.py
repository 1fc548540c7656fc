"""axe-core, from the npm package pinned in package-lock.json (`make node_modules`), read
from disk and injected into each page: no CDN, and the same engine on every machine."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Runs in the page. An init script (not a <script> tag) so that a strict
# Content-Security-Policy cannot refuse it: the browser runs it outside the page's policy.
_RUN = """async (impacts) => {
  const result = await window.axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
    }));
}"""


# site.js gives a sideways-scrolling table or <pre> a tab stop and a name, and takes the tab
# stop from one that no longer scrolls, 100 ms after a resize (markScrollable). True once
# the page is as that function leaves it: then its pending run would change nothing.
_SCROLL_MARKS_SETTLED = """() => [...document.querySelectorAll('.table-responsive, pre')].every(
  (region) => region.scrollWidth > region.clientWidth + 1
    ? region.getAttribute('tabindex') === '0'
      && (region.hasAttribute('aria-label') || region.hasAttribute('role'))
    : region.getAttribute('tabindex') !== '0')"""


def wait_for_scroll_marks(page) -> None:
    """After a resize: wait until site.js has (re-)marked the scrolling regions, instead of
    a fixed pause; returns at once when there is nothing for it to change."""
    page.wait_for_function(_SCROLL_MARKS_SETTLED)


def install_axe(context):
    if not AXE_SCRIPT.is_file():
        raise RuntimeError(f"{AXE_SCRIPT} is missing: run `make node_modules` (npm ci).")
    context.add_init_script(path=str(AXE_SCRIPT))


def serious_violations(page) -> list[dict]:
    """The violations of impact serious or critical on the page as it stands."""
    return page.evaluate(_RUN, list(BLOCKING_IMPACTS))


def describe(violations: list[dict]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {', '.join(v['nodes'])}" for v in violations)
