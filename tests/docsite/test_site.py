"""The documentation site: a strict build, published schemas, and a real browser on loopback.

The browser is Debian's `chromium` (`.ci/run` installs it), driven by Playwright's Python
package with `executable_path`; Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import ROOT
from tests.docsite.conftest import site_url
from toolkit.contract.registry import EVENTS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOT = ARTIFACTS / "docs-build_success.png"
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Debian chromium with a fresh profile."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the docs browser test drives Debian's chromium; install it "
            "with `sudo apt-get install chromium` (`.ci/run` does), then run the tests again"
        )
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        context.close()


def test_every_schema_is_published_where_its_id_points(site: Path) -> None:
    base = site_url()
    assert base == "https://quay-webhook-contracts.github.io/"
    schemas = sorted((ROOT / "schemas").rglob("*.schema.json"))
    assert len(schemas) >= len(EVENTS)
    for path in schemas:
        rel = f"schemas/{path.relative_to(ROOT / 'schemas').as_posix()}"
        schema = json.loads(path.read_bytes())
        assert schema["$id"] == base + rel
        published = site / rel
        assert published.is_file(), rel
        assert published.read_bytes() == path.read_bytes()


def test_each_schema_id_resolves_on_the_served_site(server: str) -> None:
    """Swap the published host for the loopback server: every `$id` answers with its schema."""
    for event in EVENTS:
        schema = json.loads((ROOT / "schemas" / f"{event}.schema.json").read_bytes())
        url = str(schema["$id"]).replace(site_url(), server)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert json.loads(response.read()) == schema


def test_every_event_page_is_built_and_lists_every_event(site: Path) -> None:
    index = (site / "reference/events/index.html").read_text(encoding="utf-8")
    for event in EVENTS:
        assert (site / "reference/events" / event / "index.html").is_file()
        assert f'href="{event}/"' in index


def test_home_page_renders(browser: Any, server: str) -> None:
    page = browser.new_page()
    errors = _watch_errors(page)
    page.goto(server)
    assert _heading(page) == "Quay webhook contracts"
    table = page.locator("table", has_text="Auto-disable")
    assert table.is_visible()
    assert "No HMAC" in table.inner_text()
    assert page.locator("nav.md-nav--primary").get_by_text("build_success").count() >= 1
    assert errors == []
    page.close()


def test_every_event_page_loads_without_console_errors(browser: Any, server: str) -> None:
    page = browser.new_page()
    errors = _watch_errors(page)
    for event in EVENTS:
        response = page.goto(f"{server}reference/events/{event}/")
        assert response is not None and response.status == 200, event
        page.wait_for_load_state("networkidle")
        assert _heading(page) == event
        assert page.locator(".field-list .field").count() >= 6, event
        assert page.locator(".field-list table").count() == 0, event
        blocks = page.locator("div.highlight pre").count()
        assert blocks >= 2, event  # an example and the test-notification body at least
        assert page.locator("[data-clipboard-target]").count() == blocks, event  # copy buttons
        assert errors == [], (event, errors)
    page.close()


def test_search_for_manifest_digests_finds_build_success(browser: Any, server: str) -> None:
    page = browser.new_page()
    errors = _watch_errors(page)
    _search(page, server, "manifest_digests")
    hit = page.locator(".md-search-result__item a[href*='reference/events/build_success/']")
    hit.first.wait_for(state="visible")
    assert "build_success" in hit.first.inner_text()
    assert errors == []
    page.close()


def test_screenshot_of_an_event_page_is_saved(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(f"{server}reference/events/build_success/")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    page.close()
    data = SCREENSHOT.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000


FIELD = "trigger_metadata.commit_info.date"
WIDTHS = (390, 1280)


@pytest.mark.parametrize("width", WIDTHS)
def test_event_page_field_list_fits_the_screen(browser: Any, server: str, width: int) -> None:
    """Every field open (children and constraints): still no horizontal scroll at this width."""
    page = _sized(browser, width)
    errors = _watch_errors(page)
    page.goto(f"{server}reference/events/build_queued/")
    page.wait_for_load_state("networkidle")
    page.locator("#fields").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"docs-build_queued-{width}.png"))
    page.evaluate("document.querySelectorAll('.field-list details').forEach(d => d.open = true)")
    widths = page.evaluate(
        """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
        ...[...document.querySelectorAll('.field-list, .field-list .field')].map(
            el => el.scrollWidth - el.clientWidth)]"""
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways at {width} px: {widths[:2]}"
    assert max(widths[2:]) <= 0, f"a field block overflows at {width} px"
    assert errors == []
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_field_anchor_opens_and_shows_that_field(browser: Any, server: str, width: int) -> None:
    page = _sized(browser, width)
    page.goto(f"{server}reference/events/build_success/#field-{FIELD}")
    page.wait_for_load_state("networkidle")
    heading = page.locator(f"[id='field-{FIELD}']")
    expect(heading).to_be_visible()
    assert page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        f"field-{FIELD}",
    ), "the field is not in view"
    assert "field--target" in str(heading.locator("xpath=..").get_attribute("class"))
    closed = page.evaluate(
        "id => [...document.querySelectorAll('details')].filter(d => !d.open && "
        "d.contains(document.getElementById(id))).length",
        f"field-{FIELD}",
    )
    assert closed == 0
    page.screenshot(path=str(ARTIFACTS / f"docs-field-anchor-{width}.png"))
    page.close()


def test_search_for_a_dotted_path_lands_on_the_field(browser: Any, server: str) -> None:
    page = _sized(browser, 1280)
    errors = _watch_errors(page)
    _search(page, server, "commit_info.date")
    first = page.locator(".md-search-result__item a[href*='#']").first
    first.wait_for(state="visible")
    href = str(first.get_attribute("href"))
    page.screenshot(path=str(ARTIFACTS / "docs-search-commit_info.date.png"))
    assert href.endswith(f"#field-{FIELD}"), href
    first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(f"[id='field-{FIELD}']")).to_be_in_viewport()
    assert errors == []
    page.close()


def test_search_for_retry_finds_retries(browser: Any, server: str) -> None:
    page = browser.new_page()
    _search(page, server, "retry")
    # The home page's delivery table, whose row is "Retries".
    hit = page.locator(".md-search-result__item a[href*='#what-quay-sends-and-how']")
    expect(hit.first).to_be_attached(timeout=TIMEOUT_MS)
    page.close()


def _search(page: Any, server: str, query: str) -> None:
    """Open the home page, type `query` into the search box, wait for results."""
    page.goto(server)
    search = page.locator("input.md-search__input")
    search.click()
    # Search runs in a web worker. Its status line reads "Initializing search" until the worker
    # has built the index; keystrokes before that are lost, so wait for it, then type.
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_have_text("Type to start searching", timeout=TIMEOUT_MS)
    search.press_sequentially(query)
    expect(meta).to_contain_text("matching document", timeout=TIMEOUT_MS)


def _sized(browser: Any, width: int) -> Any:
    """A new page whose viewport is `width` px wide."""
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    return page


def _heading(page: Any) -> str:
    """The page's h1 without its permalink sign."""
    return str(page.locator("h1").first.inner_text()).removesuffix("¶").strip()


def _watch_errors(page: Any) -> list[str]:
    """Collect console errors, uncaught exceptions and failed requests of a page."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"{r.url}: {r.failure}"))
    return errors
