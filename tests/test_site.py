"""The catalog built by real MkDocs: strict, offline, escaped, linked, with a JSON API."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.builder import RegistryBuilder, cli

ROOT = Path(__file__).resolve().parent.parent
FORGE = "https://github.com/example-org/model-registry"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.found.append((tag, value))
            if name == "id" and value:
                self.ids.add(value)


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    proc = cli(ROOT, "site", "build", "--strict", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_example_site_has_every_page(example_site: Path) -> None:
    for page in ("index.html", "models/index.html", "lineage/index.html", "activity/index.html"):
        assert (example_site / page).is_file(), page
    for name in ("fraud-detector", "sentiment-encoder", "support-ticket-router"):
        assert (example_site / "models" / name / "index.html").is_file()
        assert (example_site / "lineage" / f"{name}.html").is_file()
    page = (example_site / "models/fraud-detector/index.html").read_text()
    assert "registry pull models:/fraud-detector/3" in page
    # The JSON API is in the built site too, as `registry site generate` writes it.
    shown = json.loads(cli(ROOT, "show", "fraud-detector/3", "--json").stdout)
    assert json.loads((example_site / "api/models/fraud-detector/3.json").read_text()) == shown
    assert len(json.loads((example_site / "api/models.json").read_text())) == 5
    assert 'class="registry-trend"' in page and 'class="registry-board"' in page
    assert 'class="registry-lineage"' in (example_site / "lineage/support-ticket-router.html").read_text()


def leaving(site: Path, *, links: bool) -> list[tuple[str, str, str]]:
    """Every URL of a built site that leaves it: what a browser fetches by
    itself (any ``src``, a stylesheet), and with ``links`` also anchors that
    do not go to the forge."""
    outside = []
    for html in site.rglob("*.html"):
        for tag, url in parse(html).found:
            scheme = urlsplit(url).scheme.lower()
            if scheme in ("", "data", "mailto") and not url.startswith(("//", "\\")):
                continue  # inside the site, inline data, or an e-mail address
            if tag == "a" and (not links or url.startswith(FORGE + "/")):
                continue
            outside.append((str(html.relative_to(site)), tag, url))
    return outside


def test_nothing_is_fetched_from_outside_and_links_leave_only_for_the_forge(example_site: Path) -> None:
    assert leaving(example_site, links=True) == []


def test_every_link_inside_the_site_resolves(example_site: Path) -> None:
    broken = []
    ids: dict[Path, set[str]] = {}
    for html in example_site.rglob("*.html"):
        if html.name == "404.html":
            continue  # served for any path, so MkDocs writes it with site-absolute links
        for _tag, url in parse(html).found:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "mailto:")) or not (parts.path or parts.fragment):
                continue
            target = (html.parent / unquote(parts.path)).resolve() if parts.path else html
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((str(html.relative_to(example_site)), url))
            elif parts.fragment and target.suffix == ".html":
                known = ids.setdefault(target, parse(target).ids)
                if parts.fragment not in known:
                    broken.append((str(html.relative_to(example_site)), url))
    assert broken == []


def test_no_markup_leaks_into_text(example_site: Path) -> None:
    for html in example_site.rglob("*.html"):
        text = html.read_text()
        assert "&amp;#10;" not in text and "&amp;lt;" not in text and "&amp;amp;" not in text, html


def test_search_indexes_what_a_model_is_but_not_its_version_details(example_site: Path) -> None:
    docs = json.loads((example_site / "search/search_index.json").read_text())["docs"]
    text = " ".join(
        d["title"] + " " + d["text"] for d in docs if d["location"].startswith("models/fraud-detector/")
    )
    assert "payments" in text  # a model tag (and the browser test searches for it)
    assert "registry pull" not in text and "Version 3" not in text
    for html in example_site.rglob("*.html"):
        assert "registry-splice" not in html.read_text(), html  # every piece of HTML was put back


def test_sizes_stay_small(example_site: Path) -> None:
    assert max(p.stat().st_size for p in example_site.rglob("*.html")) < 300_000
    assert (example_site / "search/search_index.json").stat().st_size < 5_000_000


HOSTILE = """<script>alert("description")</script> <img src=x onerror="alert(1)">

[click me](javascript:alert(2)) and <a href="javascript:alert(3)">this</a>

**bold** stays bold. ![pixel](https://tracker.invalid/pixel.png) ![tiny](//tracker.invalid/t.gif)
"""


def test_record_text_cannot_inject_script(reg: RegistryBuilder, tmp_path: Path) -> None:
    reg.write(
        "models/fraud-detector/model.yaml",
        reg.read("models/fraud-detector/model.yaml").replace(
            "description: Detects fraud.", "description: " + json.dumps(HOSTILE)
        )
        + 'tags: {team: "<script>alert(4)</script>", owner: "<b>\\"quoted\\"</b>", note: "a\\n# Injected heading"}\n',
    )
    reg.commit("hostile text")
    assert reg.check() == [], reg.check()
    out = tmp_path / "site"
    proc = cli(reg.root, "site", "build", "--strict", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (out / "models/fraud-detector/index.html").read_text()
    assert "<strong>bold</strong>" in page  # descriptions are Markdown
    assert '&lt;script&gt;alert("description")&lt;/script&gt;' in page  # raw HTML shows as text
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in page  # so does a tag
    assert not re.search(r"<h[1-6][^>]*>\s*Injected heading", page)  # a newline in a value starts no heading
    assert leaving(out, links=False) == []  # no network to view: the pixel is not fetched...
    assert '<a href="https://tracker.invalid/pixel.png"' in page  # ...it is a link to the image
    for html in out.rglob("*.html"):
        found = Elements()
        found.feed(html.read_text())
        assert not [t for t in found.scripts if "alert" in t], html
        assert not [a for a in found.attrs if a[0].startswith("on")], html
        assert not [a for a in found.attrs if a[1].strip().lower().startswith("javascript:")], html


class Elements(HTMLParser):
    """Script bodies and every attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [(k.lower(), v or "") for k, v in attrs]
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def test_json_api_matches_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    proc = cli(ROOT, "site", "generate", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    api = json.loads((out / "api/models.json").read_text())
    assert [m["name"] for m in api] == sorted(m["name"] for m in api) and len(api) == 5
    shown = json.loads(cli(ROOT, "show", "fraud-detector/3", "--json").stdout)
    assert json.loads((out / "api/models/fraud-detector/3.json").read_text()) == shown
    assert (out / "models/fraud-detector/index.md").read_text().startswith("---\n")


def test_a_traffic_split_is_drawn_as_a_bar_and_served_in_the_json_api(
    reg: RegistryBuilder, tmp_path: Path
) -> None:
    from registry import write

    write.set_traffic(reg.root, "fraud-detector", {"champion": 90, "challenger": 10})
    out = tmp_path / "site"
    proc = cli(reg.root, "site", "build", "--strict", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (out / "models/fraud-detector/index.html").read_text()
    bar = re.search(r'<svg class="registry-traffic".*?</svg>', page, re.S)
    assert bar is not None
    drawn = bar.group(0)
    assert re.findall(r"<title>([^<]*)</title>", drawn) == ["@challenger v3 10%", "@champion v2 90%"]
    assert "@champion v2 90% (production)" in drawn and "@challenger v3 10% (staging)" in drawn
    widths = [float(w) for w in re.findall(r'<rect x="[0-9.]+" y="2" width="([0-9.]+)"', drawn)]
    assert widths == [63.6, 572.4]  # 10% and 90% of the bar
    assert "traffic set: @champion 90%, @challenger 10%" in page  # the model's history
    api = json.loads((out / "api/models/fraud-detector.json").read_text())
    assert api["traffic"] == [
        {"alias": "challenger", "share": 10, "version": 3},
        {"alias": "champion", "share": 90, "version": 2},
    ]
    listed = {m["name"]: m for m in json.loads((out / "api/models.json").read_text())}
    assert listed["fraud-detector"]["traffic"] == api["traffic"] and listed["base-encoder"]["traffic"] == []
    assert 'class="registry-traffic"' not in (out / "models/base-encoder/index.html").read_text()


def test_a_hand_written_page_wins_over_a_generated_one(reg: RegistryBuilder, tmp_path: Path) -> None:
    reg.write("docs/index.md", "# Our own front page\n")
    shutil.copy(ROOT / "mkdocs.yml", reg.root / "mkdocs.yml")
    out = tmp_path / "site"
    proc = cli(reg.root, "site", "build", "--strict", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Our own front page" in (out / "index.html").read_text()
    assert (out / "models/fraud-detector/index.html").is_file()


def test_the_plugin_also_runs_under_properdocs(tmp_path: Path) -> None:
    """ProperDocs, the maintained MkDocs 1.6 fork, builds the same catalog."""
    import subprocess
    import sys

    out = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (out / "models/fraud-detector/index.html").read_text()
    assert (
        "registry pull models:/fraud-detector/3" in page
        and 'class="registry-lineage"' in (out / "lineage/fraud-detector.html").read_text()
    )
    assert (out / "api/models/fraud-detector/3.json").is_file()


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_a_record_git_cannot_read_stops_the_build_with_its_path_not_a_traceback(
    reg: RegistryBuilder, tmp_path: Path, engine: str
) -> None:
    """A record's blob gone from .git/objects: the history cannot be read, so
    the plugin stops the build with a PluginError that names the record."""
    import subprocess
    import sys

    record = "models/fraud-detector/versions/2.yaml"
    blob = reg.git("rev-parse", f"HEAD:{record}").strip()
    (reg.root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    shutil.copy(ROOT / "mkdocs.yml", reg.root / "mkdocs.yml")
    (reg.root / "docs").mkdir()
    proc = subprocess.run(
        [sys.executable, "-P", "-m", engine, "build", "-f", "mkdocs.yml", "-d", str(tmp_path / "site")],
        cwd=reg.root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert re.search(rf"ERROR +- +registry: {re.escape(record)}: git cannot read .*{blob}", output), output
    assert "Aborted with a BuildError!" in output and "Traceback" not in output


def test_forge_links_for_github_and_gitlab() -> None:
    from registry.site.render import _forge_links

    commit, pr = _forge_links("https://gitlab.example.com/ml/registry/")
    assert commit("abc") == "https://gitlab.example.com/ml/registry/-/commit/abc"
    assert pr(7) == "https://gitlab.example.com/ml/registry/-/merge_requests/7"
    commit, pr = _forge_links("https://github.com/acme/registry")
    assert (commit("abc"), pr(12)) == (
        "https://github.com/acme/registry/commit/abc",
        "https://github.com/acme/registry/pull/12",
    )
    assert _forge_links(None)[0]("abc") is None


def test_trend_chart_labels_at_most_ten_versions() -> None:
    from registry.site.svg import trend_svg

    chart = trend_svg("f1", [(n, 0.5 + n / 100, "archived") for n in range(1, 21)])
    assert chart.count("<circle") == 20
    labels = re.findall(r">v(\d+)</text>", chart)
    assert len(labels) <= 11 and labels[0] == "1" and labels[-1] == "20"
    assert "<title>v7: 0.57 (archived)</title>" in chart


def test_a_rebuild_that_keeps_unchanged_pages_equals_a_fresh_build(reg: RegistryBuilder) -> None:
    """What `registry serve` does between edits: pages whose inputs did not
    change are kept from the last build; the result must be a fresh build's."""
    from registry.site import collect
    from registry.site.jobs import PageMemo
    from registry.site.render import build

    memo = PageMemo()
    known: dict[object, object] = {}  # each version's lineage, as serve keeps it
    first = build(collect(reg.root, known=known), memo=memo)
    steps = [
        lambda: reg.edit("models/fraud-detector/versions/3.yaml", "stage: staging", "stage: archived"),
        lambda: reg.commit("archive v3"),  # history only: the work tree is as it was
        lambda: reg.edit("models/base-encoder/model.yaml", "A text encoder.", "A text encoder, retrained."),
        lambda: reg.version("base-encoder", 2, "staging"),  # a new version: links elsewhere change
        lambda: reg.version(  # a new parent edge: base-encoder's lineage page changes
            "fraud-detector", 4, "none", lineage={"parents": [{"model": "base-encoder", "version": 2}]}
        ),
        lambda: reg.write("site_templates/model.md.j2", "# {{ rm.name }}\n\nours\n"),  # an override appears
    ]
    previous = first
    for step in steps:
        step()
        kept = build(collect(reg.root, known=known), memo=memo, overrides=reg.root / "site_templates")
        fresh = build(collect(reg.root), overrides=reg.root / "site_templates")
        assert kept == fresh
        assert kept != previous
        previous = kept
    assert memo.kept  # and it did keep pages


def test_serve_shows_an_edited_record_and_stops_cleanly(reg: RegistryBuilder, tmp_path: Path) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    scratch = tmp_path / "tmp"  # where the server and MkDocs keep their temporary folders
    scratch.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-P", "-m", "registry", "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=reg.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
        # as a program started in the background by a shell: Ctrl-C ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    url = f"http://127.0.0.1:{port}/models/fraud-detector/index.html"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            return ""

    def wait_for(text: str) -> bool:
        deadline = time.time() + 90
        while time.time() < deadline and server.poll() is None:
            if text in page():
                return True
            time.sleep(0.3)
        return False

    try:
        assert wait_for("Version 3")
        reg.edit(
            "models/fraud-detector/versions/2.yaml", "Version 2 of fraud-detector.", "Edited while served."
        )
        assert wait_for("Edited while served.")
        api = f"http://127.0.0.1:{port}/api/models/fraud-detector/2.json"
        with urllib.request.urlopen(api, timeout=5) as response:  # the JSON API follows the edit too
            assert json.loads(response.read())["description"] == "Edited while served."
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
    assert (
        "Documentation built" in output and "'dirty' build" not in output
    )  # no warning a user can do nothing about
    children = subprocess.run(["pgrep", "-f", f"127.0.0.1:{port}"], capture_output=True, text=True).stdout
    assert children.strip() == "", "the MkDocs server outlived registry serve"
    assert list(scratch.iterdir()) == []  # its temporary folders and MkDocs' are gone


# -- descriptions: bounded Markdown work ------------------------------------------------------

_LIMIT = 65_536  # the schema's maxLength of a description
PATHOLOGICAL = {
    "open brackets": "[" * _LIMIT,
    "unclosed links": "[a](" * (_LIMIT // 4),
    "images": "![" * (_LIMIT // 2),
    "nested ordered lists": "1. " * (_LIMIT // 3),
    "nested lists by tabs": "".join("\t" * i + "- a\n" for i in range(360))[:_LIMIT],
    "nested quotes": "> " * (_LIMIT // 2),
    "headings": "# a\n" * (_LIMIT // 4),
    "setext headings": "a\n=\n" * (_LIMIT // 4),
    "rules": "---\n" * (_LIMIT // 4),
    "paragraphs": "a\n\n" * (_LIMIT // 3),
    # the most each measure allows, still rendered as Markdown
    "headings within the budget": "# a\n" * 1_499,
    "setext within the budget": "a\n=\n" * 749,
    "brackets within the budget": "[" * 950,
    "nesting within the budget": ("    " * 15 + "- a\n") * 1_000,
    "inline markup": ("*a* _b_ **c** `d` [e](f) " * 3_000)[:_LIMIT],
    "markup within the budget": "_*" * 10_000 + "a" * 45_000,
    "emphasis within the budget": "**a** " * 5_000 + "b" * 35_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_any_description_renders_in_under_a_second(name: str) -> None:
    """A description of 65,536 brackets stalled the catalog build for over 300 s."""
    import time

    from registry.site.descriptions import markdown_html, renders_as_markdown

    text = PATHOLOGICAL[name]
    assert renders_as_markdown(text) == ("budget" in name)
    assert len(text) <= _LIMIT
    markdown_html("warm *up*")  # the parser's one-time set-up is not the description's cost
    start = time.perf_counter()
    html = markdown_html(text)
    assert time.perf_counter() - start < 1.0
    assert "<script" not in html and len(html) >= len(text) // 4


def test_a_description_over_the_budget_is_shown_as_plain_text() -> None:
    from registry.site.descriptions import markdown_html

    assert markdown_html("**bold** [link](https://example.org)").startswith("<p><strong>bold</strong>")
    plain = markdown_html("[" * 5_000 + " <b>x</b>")
    assert plain.startswith('<pre class="registry-plain">') and "&lt;b&gt;x&lt;/b&gt;" in plain


def test_a_catalog_of_pathological_descriptions_builds_quickly(reg: RegistryBuilder) -> None:
    """Every place a description is shown: the model page, the version section, the index summary."""
    import time

    from registry import lineage
    from registry.load import load
    from registry.site.render import SiteData, build

    reg.edit(
        "models/fraud-detector/model.yaml",
        "description: Detects fraud.",
        "description: '" + "[" * 65_536 + "'",
    )
    reg.edit(
        "models/fraud-detector/versions/3.yaml",
        "description: Version 3 of fraud-detector.",
        "description: '" + "[a](" * 16_384 + "'",
    )
    assert reg.check() == []
    loaded = load(reg.root)
    start = time.perf_counter()
    pages = build(SiteData(loaded, [], lineage.build(loaded.models)))
    assert time.perf_counter() - start < 5.0
    assert "registry-plain" in str(pages["models/fraud-detector/index.md"])


def test_a_broken_record_shows_as_broken_and_fails_a_strict_build(
    reg: RegistryBuilder, tmp_path: Path
) -> None:
    reg.write("models/fraud-detector/versions/2.yaml", "stage: [\n<script>alert(1)</script>\n")  # a hand edit
    reg.commit("break v2")
    proc = cli(reg.root, "site", "build", "--strict", "--out", str(tmp_path / "strict"))
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Aborted with 1 warnings in strict mode" in said, said
    assert re.search(r"registry: models/fraud-detector/versions/2\.yaml:\d+: yaml-syntax", said)
    out = tmp_path / "site"
    proc = cli(reg.root, "site", "build", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert re.search(
        r"WARNING -  registry: models/fraud-detector/versions/2\.yaml:\d+: yaml-syntax", proc.stderr
    )
    page = (out / "models/fraud-detector/index.html").read_text()
    assert '<h2 id="version-2">Version 2' in page and "registry-stage-broken" in page
    assert re.search(r"models/fraud-detector/versions/2\.yaml:\d+: yaml-syntax: invalid YAML", page)
    assert "<script>alert(1)" not in page
    search = cli(reg.root, "search", "name = 'fraud-detector'")
    assert search.returncode == 0
    assert (
        "1 file(s) could not be read, so what they hold is left out: models/fraud-detector/versions/2.yaml"
        in (search.stderr)
    )
    assert cli(reg.root, "check").stdout.count("versions/2.yaml") == 1  # once, and no version-gap
