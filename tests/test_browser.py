"""The catalog in a real browser: Playwright driving Debian's Chromium.

The site is built from a clone of the example registry in which Alice
promoted a version (so the audit log has a promotion with its author) and
a description tries to run a script. Set REGISTRY_SCREENSHOTS=DIR to save
the README's screenshots there.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api  # installed by the README's test command, with Debian's chromium

from tests.builder import cli

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
HOSTILE = '<script>window.__pwned = 1</script> Predicts churn. <img src=x onerror="window.__pwned = 2">'


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("browser")
    clone = work / "registry"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    record = clone / "models/churn-predictor/versions/1.yaml"  # a version's: the README's pictures stay clean
    text, found = re.subn(
        r"description: \|\n(?:  .*\n|\n)+", f"description: '{HOSTILE}'\n", record.read_text(), count=1
    )
    assert found == 1
    record.write_text(text)
    subprocess.run(
        ["git", "commit", "-qam", "a description that tries to run a script"], cwd=clone, check=True
    )
    promoted = cli(
        clone,
        "promote",
        "fraud-detector",
        "4",
        "production",
        "--reason",
        "beats v3 in shadow traffic",
        env={"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.com"},
    )
    assert promoted.returncode == 0, promoted.stderr
    out = work / "site"
    built = cli(clone, "site", "build", "--strict", "--out", str(out))
    assert built.returncode == 0, built.stdout + built.stderr
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    assert Path(CHROMIUM).exists(), "chromium is not installed: run the README's test command"
    home = tmp_path_factory.mktemp("chromium-home")  # the browser's caches stay out of $HOME
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home),
    }
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], env=env)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    context.close()
    assert problems == []  # no console errors, no script errors, no alert on any page visited


def shot(pg: Any, name: str) -> None:
    folder = os.environ.get("REGISTRY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_home_to_model_to_version(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/index.html")
    shot(page, "home")
    page.get_by_role("link", name="fraud-detector", exact=True).first.click()
    page.wait_for_url("**/models/fraud-detector/index.html")
    page.evaluate("document.getElementById('stages').scrollIntoView()")
    page.wait_for_timeout(400)  # the header's title finishes its transition
    shot(page, "model")
    page.locator("table.registry-table").get_by_role("link", name="v4", exact=True).click()
    page.wait_for_url("**/models/fraud-detector/index.html#version-4")
    heading = page.locator("h2#version-4")
    sync_api.expect(heading).to_be_in_viewport()
    sync_api.expect(page.locator(".registry-version").nth(1)).to_contain_text("production")


def test_index_filter_narrows_and_headers_sort(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/models/index.html")
    rows = page.locator("#registry-models tbody tr:visible")
    sync_api.expect(rows).to_have_count(5)
    page.fill("#registry-filter", "payments")
    sync_api.expect(rows).to_have_count(1)
    sync_api.expect(rows.first).to_contain_text("fraud-detector")
    sync_api.expect(page.locator("#registry-filter-count")).to_have_text("1 of 5 models")
    page.fill("#registry-filter", "")
    page.locator("#registry-models th", has_text="Name").click()
    page.locator("#registry-models th", has_text="Name").click()  # descending
    sync_api.expect(rows.first).to_contain_text("support-ticket-router")


def test_lineage_graph_is_drawn(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/lineage/support-ticket-router.html")
    graph = page.locator("svg.registry-lineage")
    sync_api.expect(graph).to_be_visible()
    sync_api.expect(graph).to_contain_text("sentiment-encoder/2")
    box = graph.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    shot(page, "lineage")


def test_audit_log_shows_the_promotion_and_its_author(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/activity/index.html")
    row = page.locator("table.registry-events tr", has_text="v4 staging -> production")
    sync_api.expect(row).to_contain_text("alice@example.com")
    sync_api.expect(row).to_contain_text("beats v3 in shadow traffic")
    link = row.locator("a[href*='/commit/']")
    assert link.get_attribute("href").startswith("https://github.com/example-org/model-registry/commit/")


def test_search_finds_a_model_by_a_tag(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/index.html")
    page.wait_for_load_state("networkidle")  # the search index is loaded
    page.locator(".md-search__input").first.click()
    page.keyboard.type("subscriptions", delay=30)  # only in churn-predictor's tag domain=subscriptions
    result = page.locator(".md-search-result__item", has_text="churn-predictor").first
    sync_api.expect(result).to_be_visible(timeout=10_000)


def test_a_script_in_a_description_shows_as_text(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/models/churn-predictor/index.html")
    sync_api.expect(page.locator("#version-1 + p + .registry-description")).to_contain_text(
        "<script>window.__pwned = 1</script>"
    )
    assert page.evaluate("window.__pwned") is None


def test_a_folder_version_says_what_it_is_and_how_to_load_it(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/models/churn-predictor/index.html#version-4")
    card = page.locator(".registry-version", has=page.locator("h2#version-4"))
    sync_api.expect(card).to_contain_text("a folder of 5 files")
    sync_api.expect(card).to_contain_text(
        "Format: MLflow model: python_function (mlflow.lightgbm), lightgbm 4.5.0"
    )
    sync_api.expect(card).to_contain_text("registry pull models:/churn-predictor/4")
    sync_api.expect(card.locator("pre code").nth(1)).to_contain_text(
        "model = mlflow.pyfunc.load_model('models/churn-predictor/artifacts/4/model')"
    )
    card.scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    shot(page, "folder")
