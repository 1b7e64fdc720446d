"""The catalog's pages as a pure function of the registry, its history, its
lineage graph and the templates: path -> Markdown (or JSON, CSS, JS).

Nothing here imports MkDocs: ``registry site generate`` writes the same
files for any MkDocs-compatible engine, and the plugin hands them to MkDocs.
Templates are Jinja2 with autoescaping on, so record text lands in pages
HTML-escaped; descriptions (Markdown by design) are rendered with bounded
work and sanitised by ``descriptions.markdown_html``.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from registry import lineage
from registry.history import Event, phrase
from registry.lineage import Graph
from registry.load import LoadedRegistry
from registry.records import RegisteredModel, Version
from registry.site import svg
from registry.site.descriptions import markdown_html
from registry.site.jobs import Job, PageMemo, render_all
from registry.views import model_summary, model_view, version_view
from registry.when import minute

ACTIVITY_PAGE = 500  # events per page of the audit log
RECENT = 15  # events on the home page
TREND_METRICS = 4  # charts per model page
NAV = ("index.md", "models/index.md", "lineage/index.md", "activity/index.md")


@dataclass(frozen=True)
class SiteData:
    reg: LoadedRegistry
    events: list[Event]
    graph: Graph


def _forge_links(forge: str | None) -> tuple[Callable[[str], str | None], Callable[[int], str | None]]:
    """Commit and pull-request URLs on the forge, or none without one."""
    if not forge:
        return (lambda _c: None), (lambda _n: None)
    from registry.forge import commit_url, request_url

    commits, requests = commit_url(forge, ""), request_url(forge, 0)[:-1]  # the URLs end with the id
    return (lambda c: commits + c), (lambda n: f"{requests}{n}")


def _environment(overrides: Path | None, reload: bool = False) -> Any:
    import jinja2

    loaders: list[jinja2.BaseLoader] = []
    if overrides is not None and overrides.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(overrides)))
    loaders.append(jinja2.FileSystemLoader(str(resources.files("registry.site") / "templates")))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        auto_reload=reload,  # one build renders a template thousands of times
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_one_line,
    )
    env.filters["markdown"] = markdown_html
    env.filters["when"] = minute
    env.globals["event_row"] = event_row
    env.globals["stage"] = stage_badge
    env.filters["day"] = lambda d: d.astimezone(UTC).strftime("%Y-%m-%d") if d else ""
    env.filters["metric"] = lambda v: f"{v:.4g}" if isinstance(v, float) else str(v)
    return env


def _overrides_seen(overrides: Path | None) -> Any:
    """The override templates there are, and when each was written."""
    if overrides is None or not overrides.is_dir():
        return (overrides, None)
    return (overrides, sorted((p.name, p.stat().st_mtime_ns) for p in overrides.iterdir()))


def _one_line(value: Any) -> Any:
    """Every value a template prints, escaped and on one line (newlines as
    ``&#10;``, which HTML reads the same): then the only line breaks in a page
    are the template's own, and a line that starts with ``#`` is one of its
    headings. ``splice`` relies on it."""
    if isinstance(value, Markup):
        text = str(value)  # as str: Markup.replace would escape the "&#10;" it puts in
    elif isinstance(value, str):
        text = str(escape(value))
    else:
        return value  # numbers, None: printed as they are
    return Markup(text.replace("\n", "&#10;") if "\n" in text else text)  # noqa: S704 - escaped above


def stage_badge(name: str) -> Markup:
    """A stage as a coloured badge (a function, not a macro: a page has hundreds)."""
    text = escape(name)
    return Markup(f'<span class="registry-stage stage-{text}">{text}</span>')  # noqa: S704 - escaped


SPLICE = "<!--registry-splice:{}-->"


def splice(text: str) -> tuple[str, list[str]]:
    """Move a page's HTML out of its Markdown: what is left is the front
    matter, the headings (so the table of contents and anchors are MkDocs'
    own) and a comment where each run of HTML was. The plugin puts the HTML
    back after Markdown has run, so Markdown never parses it: on a registry
    of 20,000 versions that is most of a build's time."""
    front, body = "", text
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            front, body = text[: end + 5], text[end + 5 :]
    lines: list[str] = []
    segments: list[str] = []
    run: list[str] = []

    def flush() -> None:
        chunk = "\n".join(run).strip("\n")
        if chunk.strip():
            lines.extend(["", SPLICE.format(len(segments)), ""])
            segments.append(chunk)
        run.clear()

    for line in body.split("\n"):
        if line.startswith("#"):
            flush()
            lines.append(line)
        else:
            run.append(line)
    flush()
    return front + "\n".join(lines) + "\n", segments


def unsplice(html: str, segments: Mapping[int, str]) -> str:
    """Put the HTML that ``splice`` took out back in its place."""
    for i, segment in segments.items():
        html = html.replace(SPLICE.format(i), segment, 1)
    return html


_UNSEARCHED = re.compile(r"\s*<[A-Za-z][^>]*\sdata-search-exclude[\s=>]")


def by_search(segments: list[str]) -> tuple[dict[int, str], dict[int, str]]:
    """Segments for the search index, and those that go in after it was made.

    A segment whose first element is marked ``data-search-exclude`` (Material's
    own marker) is left out of the page until the search plugin has read it:
    the indexer parses every tag of what it reads, and on a registry of 20,000
    versions the version sections were most of a build's time."""
    searched: dict[int, str] = {}
    unsearched: dict[int, str] = {}
    for i, segment in enumerate(segments):
        (unsearched if _UNSEARCHED.match(segment) else searched)[i] = segment
    return searched, unsearched


def event_row(r: Mapping[str, Any], show_model: bool = True) -> Any:
    """One row of an audit-log table, built here rather than in the template:
    a large registry has a hundred thousand of them, and this is ~10x faster."""

    def link(href: str | None, text: str) -> str:
        return f'<a href="{escape(href)}">{escape(text)}</a>' if href else str(escape(text))

    cells = [f'<td class="when">{minute(r["time"])}</td>']
    if show_model:
        cells.append(f"<td>{link(r['model_href'], r['model'] or 'registry.yaml')}</td>")
    cells.append(f"<td>{link(r['version_href'], r['what'])}</td>")
    by = str(escape(r["author"]))
    if r["merged_by"]:
        by += f"<br><small>merged by {escape(r['merged_by'])}</small>"
    cells.append(f"<td>{by}</td>")
    cells.append(f"<td>{link(r['pr_url'], '#' + str(r['pr'])) if r['pr'] is not None else ''}</td>")
    cells.append(f"<td><code>{link(r['commit_url'], r['commit'][:10])}</code></td>")
    cells.append(f"<td>{escape(r['reason'] or '')}</td>")
    return Markup(f'<tr class="event-{escape(r["kind"])}">{"".join(cells)}</tr>')  # noqa: S704 - every value escaped above


class _Pages:
    """Relative links between generated pages, for directory URLs or not."""

    def __init__(self, directory_urls: bool) -> None:
        self.directory_urls = directory_urls
        self._rel: dict[tuple[str, str], str] = {}

    def url(self, page: str) -> str:
        """The site path a page is served at."""
        if page.endswith(".md"):
            stem = page[:-3]
            if self.directory_urls:
                if stem == "index" or stem.endswith("/index"):
                    return stem[: -len("index")]
                return stem + "/"
            return stem + ".html"
        return page

    def href(self, from_page: str, to: str, anchor: str = "") -> str:
        key = (from_page, to)
        rel = self._rel.get(key)
        if rel is None:
            here_url = self.url(from_page)
            here = here_url.rstrip("/") if here_url.endswith("/") else posixpath.dirname(here_url)
            target = self.url(to)
            rel = _relative(target, here)
            self._rel[key] = rel
        return rel + (f"#{anchor}" if anchor else "")


def _relative(target: str, here: str) -> str:
    """``target`` (a site path; a folder ends with ``/``) as a link from the folder ``here``:
    ``posixpath.relpath`` without its trips to the file system for an absolute path."""
    to = [p for p in target.split("/") if p]
    start = [p for p in here.split("/") if p]
    common = 0
    while common < min(len(to), len(start)) and to[common] == start[common]:
        common += 1
    rel = "/".join([".."] * (len(start) - common) + to[common:]) or "."
    return rel + "/" if target.endswith("/") and not rel.endswith("/") else rel


def model_page(name: str) -> str:
    return f"models/{name}/index.md"


def build(
    data: SiteData,
    *,
    directory_urls: bool = False,
    overrides: Path | None = None,
    memo: PageMemo | None = None,
) -> dict[str, str | bytes]:
    """Every generated file of the catalog, by path under the docs folder.

    ``memo`` keeps the pages of the previous build, so a rebuild renders
    only the pages whose values changed (``registry serve``)."""
    if memo is None:
        env = _environment(overrides)
    else:  # one environment while the overrides stay the same files: templates compiled once
        seen = _overrides_seen(overrides)
        if memo.env is None or memo.env[0] != seen:
            memo.env = (seen, _environment(overrides, reload=True))
        env = memo.env[1]
    reg, events = data.reg, data.events
    links = _Pages(directory_urls)
    commit_url, pr_url = _forge_links(reg.config.forge)
    models = dict(sorted(reg.models.items()))
    names = {old: rm.name for rm in models.values() for old in (rm.name, *rm.model.former_names)}
    by_model: dict[str, list[Event]] = {}
    for e in events:
        if e.model is not None:
            by_model.setdefault(names.get(e.model, e.model), []).append(e)
    out: dict[str, str | bytes] = {}
    # Under serve, a page (or JSON file) whose inputs are those of the last
    # build is kept without building its values: its key names the inputs.
    state = _Inputs(data, directory_urls, env) if memo is not None else None
    keys: dict[str, bytes] = {}
    mkeys: dict[str, bytes | None] = {}

    def kept(path: str, key: bytes | None) -> bool:
        if memo is None or key is None:
            return False
        keys[path] = key
        old = memo.kept.get(path)
        if old is not None and old[0] == key:
            out[path] = old[1]
            return True
        return False

    def event_rows(page: str, found: Iterable[Event]) -> list[dict[str, Any]]:
        rows = []
        for e in found:
            model = names.get(e.model or "", e.model)
            rows.append(
                {
                    "time": e.time,
                    "model": model,
                    "model_href": links.href(page, model_page(model)) if model in models else None,
                    "version_href": links.href(page, model_page(model), f"version-{e.version}")
                    if model in models and e.version in models[model].versions
                    else None,
                    "what": phrase(e),
                    "kind": e.kind,
                    "author": e.author.email or e.author.name,
                    "merged_by": e.merged_by.email
                    if e.merged_by and e.merged_by.email != e.author.email
                    else None,
                    "reason": e.reason,
                    "pr": e.pr,
                    "pr_url": pr_url(e.pr) if e.pr is not None else None,
                    "commit": e.commit,
                    "commit_url": commit_url(e.commit),
                }
            )
        return rows

    jobs: list[Job] = []

    def render(template: str, page: str, **values: Any) -> None:
        values["nav"] = {p: links.href(page, p) for p in NAV}
        jobs.append((template, page, values))

    # -- home and index -------------------------------------------------------------
    stage_counts = Counter(v.stage for rm in models.values() for v in rm.versions.values())
    last_change = {name: found[-1].time for name, found in by_model.items() if found}
    summaries = []
    for rm in models.values():
        prod = rm.in_stage("production") if "production" in reg.config.stages else []
        latest = rm.latest()
        key_name, key_value = _key_metric(reg, rm, prod[0] if prod else latest)
        summaries.append(
            {
                "name": rm.name,
                "href": links.href("models/index.md", model_page(rm.name)),
                "home_href": links.href("index.md", model_page(rm.name)),
                "owners": list(rm.model.owners),
                "tags": dict(rm.model.tags),
                "production": [v.number for v in prod],
                "champion": rm.model.aliases.get("champion"),
                "latest": latest.number if latest else None,
                "versions": len(rm.versions),
                "key_metric": key_name,
                "key_value": key_value,
                "last_change": last_change.get(rm.name),
                "summary": _first_line(rm.model.description),
            }
        )
    render(
        "home.md.j2",
        "index.md",
        stages=[(s, stage_counts.get(s, 0)) for s in reg.config.stages],
        n_models=len(models),
        n_versions=sum(len(rm.versions) for rm in models.values()),
        models=summaries,
        recent=event_rows("index.md", list(reversed(events[-RECENT:]))),
        activity_href=links.href("index.md", "activity/index.md"),
    )
    render("models.md.j2", "models/index.md", models=summaries)

    # -- model pages ---------------------------------------------------------------------
    parts: dict[str, bytes] = state.parts_before(memo.graph if memo is not None else None) if state else {}
    for rm in models.values():
        page = model_page(rm.name)
        found = by_model.get(rm.name, [])
        mkey = mkeys[rm.name] = state.model(rm, found) if state is not None else None
        if not kept(page, mkey):
            _model_page(render, event_rows, reg, rm, found, links, page)
        lpage = f"lineage/{rm.name}.md"
        mine = {lineage.version_id(rm.name, n) for n in rm.versions}
        sub = None
        if state is not None:
            part = parts.get(rm.name)  # the key of its part of the graph, while the graph is the same
            if part is None:
                sub = lineage.around(data.graph, mine)
                part = state.graph(sub)
            state.parts[rm.name] = part
            if kept(lpage, state.lineage(mkey, part)):
                continue
        if sub is None:
            sub = lineage.around(data.graph, mine)
        render(
            "lineage_model.md.j2",
            lpage,
            rm=rm,
            svg=_lineage_svg(sub, links, lpage, focus=mine),
            model_href=links.href(lpage, page),
            upstream=_neighbours(sub, mine, up=True),
            downstream=_neighbours(sub, mine, up=False),
        )

    # -- lineage index -----------------------------------------------------------------------
    datasets: dict[str, dict[str, Any]] = {}  # by path: one row per dataset, however many versions
    derived: set[tuple[str, str]] = set()
    for edge in data.graph.edges:
        node = data.graph.nodes[edge.source]
        target = data.graph.nodes[edge.target]
        if node.kind == "dataset":
            key = str(node.attrs.get("path") or node.attrs.get("name") or node.label)
            entry = datasets.setdefault(key, {"label": key, "md5s": set(), "used_by": set()})
            entry["md5s"].add(node.attrs.get("md5"))
            entry["used_by"].add(str(target.attrs.get("model")))
        elif edge.kind == "parent" and node.attrs.get("model") != target.attrs.get("model"):
            derived.add((str(node.attrs.get("model") or node.label), str(target.attrs.get("model"))))
    render(
        "lineage.md.j2",
        "lineage/index.md",
        datasets=[
            {
                **d,
                "versions": len(d["md5s"]),
                "used_by": [
                    (m, links.href("lineage/index.md", f"lineage/{m}.md"))
                    for m in sorted(d["used_by"])
                    if m in models
                ],
            }
            for d in sorted(datasets.values(), key=lambda d: str(d["label"]))
        ],
        derived=[
            (
                a,
                links.href("lineage/index.md", f"lineage/{a}.md") if a in models else None,
                b,
                links.href("lineage/index.md", f"lineage/{b}.md"),
            )
            for a, b in sorted(set(derived))
        ],
        models=[(name, links.href("lineage/index.md", f"lineage/{name}.md")) for name in models],
    )

    # -- the audit log, newest first, in pages of ACTIVITY_PAGE events -------------------------
    newest = list(reversed(events))
    pages = max(1, -(-len(newest) // ACTIVITY_PAGE))
    for i in range(pages):
        page = "activity/index.md" if i == 0 else f"activity/page-{i + 1}.md"
        if kept(page, state.activity(i) if state is not None else None):
            continue
        render(
            "activity.md.j2",
            page,
            rows=event_rows(page, newest[i * ACTIVITY_PAGE : (i + 1) * ACTIVITY_PAGE]),
            number=i + 1,
            pages=pages,
            prev_href=links.href(page, "activity/index.md" if i == 1 else f"activity/page-{i}.md")
            if i > 0
            else None,
            next_href=links.href(page, f"activity/page-{i + 2}.md") if i + 1 < pages else None,
        )

    for (_template, page, _values), text in zip(jobs, render_all(env, jobs), strict=True):
        out[page] = text

    # -- static JSON API ------------------------------------------------------------------------
    out["api/models.json"] = _compact([model_summary(rm) for rm in models.values()])
    for rm in models.values():
        api = f"api/models/{rm.name}.json"
        if not kept(api, mkeys.get(rm.name)):
            out[api] = _compact(model_view(rm))
        for v in rm.versions.values():
            api = f"api/models/{rm.name}/{v.number}.json"
            if not kept(api, mkeys.get(rm.name)):
                out[api] = _compact(version_view(rm, v))
    out["assets/registry.css"] = _asset("registry.css")
    out["assets/registry.js"] = _asset("registry.js")
    if memo is not None and state is not None:
        memo.graph = (state.whole_graph, state.parts)
        memo.kept = {}
        for name, made_from in keys.items():
            content = out[name]
            if isinstance(content, str):
                memo.kept[name] = (made_from, content)
    return out


def _model_page(
    render: Callable[..., None],
    event_rows: Callable[[str, Iterable[Event]], list[dict[str, Any]]],
    reg: LoadedRegistry,
    rm: RegisteredModel,
    found: list[Event],
    links: _Pages,
    page: str,
) -> None:
    versions = [rm.versions[n] for n in sorted(rm.versions, reverse=True)]
    history = event_rows(page, reversed(found))
    per_version: dict[int, list[dict[str, Any]]] = {}
    for e, row in zip(reversed(found), history, strict=True):
        if e.version is not None and e.kind not in ("alias_set", "alias_moved", "alias_removed"):
            per_version.setdefault(e.version, []).append(row)
    render(
        "model.md.j2",
        page,
        rm=rm,
        versions=[_version_data(rm, v, links, page, per_version.get(v.number, [])) for v in versions],
        board=[
            (s, [v.number for v in sorted(rm.versions.values(), key=lambda v: -v.number) if v.stage == s])
            for s in reg.config.stages
        ],
        charts=_charts(rm),
        history=history,
        lineage_href=links.href(page, f"lineage/{rm.name}.md"),
        index_href=links.href(page, "models/index.md"),
        policy=reg.config.policy_for(rm.model),
    )


class _Inputs:
    """Keys that name what a page is made from, so that ``serve`` can keep a
    page whose inputs did not change without building its values. Every key
    includes what any page may depend on: the templates, the link style,
    registry.yaml, and which models and versions exist (links point to them)."""

    def __init__(self, data: SiteData, directory_urls: bool, env: Any) -> None:
        from registry.site.jobs import templates_digest

        reg = data.reg
        self._files: dict[str, list[tuple[str, str]]] = {}
        for path, entry in reg.snapshot.entries.items():
            parts = path.split("/", 2)
            if len(parts) == 3 and parts[0] == "models":
                self._files.setdefault(parts[1], []).append((path, entry.blob))
        self._common = self._digest(
            (
                templates_digest(env),
                directory_urls,
                reg.blob("registry.yaml"),
                sorted((name, sorted(rm.versions), rm.model.former_names) for name, rm in reg.models.items()),
            )
        )
        self.whole_graph = self.graph(data.graph)
        self.parts: dict[str, bytes] = {}
        events = data.events
        self._events = (
            len(events),
            events[0].commit if events else None,
            events[-1].commit if events else None,
        )

    def _digest(self, value: Any) -> bytes:
        import hashlib
        import pickle

        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return hashlib.blake2b(data, key=getattr(self, "_common", b""), digest_size=20).digest()

    def model(self, rm: RegisteredModel, found: list[Event]) -> bytes:
        """A model's page and JSON: its files, as git hashes them, and its events."""
        mine = (len(found), found[0].commit, found[-1].commit) if found else None
        return self._digest(("model", sorted(self._files.get(rm.name, [])), mine))

    def graph(self, sub: Graph) -> bytes:
        """A part of the lineage graph."""
        return self._digest(
            ("graph", sorted(sub.nodes.items()), sorted((e.source, e.target, e.kind) for e in sub.edges))
        )

    def parts_before(self, before: tuple[bytes, dict[str, bytes]] | None) -> dict[str, bytes]:
        """The keys of each model's part of the graph from the last build, if
        the whole graph is as it was then (cutting 1,000 parts costs a second)."""
        return before[1] if before is not None and before[0] == self.whole_graph else {}

    def lineage(self, model: bytes | None, part: bytes) -> bytes:
        """A model's lineage page: its part of the graph, and the model (a template may show more of it)."""
        return self._digest(("lineage", model, part))

    def activity(self, number: int) -> bytes:
        """A page of the audit log: the whole history (from its first, last and count)."""
        return self._digest(("activity", number, self._events))


def _compact(data: Any) -> str:
    """JSON for programs: sorted keys, no indentation (json's C encoder only runs without it)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")) + "\n"


def _asset(name: str) -> str:
    return (resources.files("registry.site") / "assets" / name).read_text(encoding="utf-8")


def _first_line(text: str) -> str:
    """The first paragraph of a description as plain text, shortened."""
    para: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            if para:
                break
            continue
        if line.startswith("#") and not para:
            continue  # a heading before the first paragraph
        para.append(line)
    # Enough for the 160 characters shown; the link pattern below scans to the end of
    # its input from every "[", so a paragraph of 65,536 of them took 15 s.
    plain = re.sub(r"[*_`]+", "", " ".join(para)[:1_000])
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", plain)  # [text](link) -> text
    return plain if len(plain) <= 160 else plain[:159].rstrip() + "\u2026"


def _key_metric(
    reg: LoadedRegistry, rm: RegisteredModel, v: Version | None
) -> tuple[str | None, float | None]:
    """The metric a model is judged by: the first of its production gate, or its first metric."""
    if v is None:
        return None, None
    gate = reg.config.policy_for(rm.model).gates.get("production")
    names = list(gate.metrics) if gate is not None else []
    names += sorted(v.metrics)
    for name in names:
        if name in v.metrics:
            return name, v.metrics[name]
    return None, None


def _charts(rm: RegisteredModel) -> list[str]:
    counts = Counter(name for v in rm.versions.values() for name in v.metrics)
    shown = [name for name, n in counts.most_common() if n >= 2][:TREND_METRICS]
    charts = []
    for name in sorted(shown):
        points = [
            (n, float(rm.versions[n].metrics[name]), rm.versions[n].stage)
            for n in sorted(rm.versions)
            if name in rm.versions[n].metrics
        ]
        charts.append(svg.trend_svg(name, points))
    return charts


def _version_data(
    rm: RegisteredModel, v: Version, links: _Pages, page: str, history: list[dict[str, Any]]
) -> dict[str, Any]:
    lin = v.lineage
    return {
        "v": v,
        "aliases": rm.aliases_of(v.number),
        "pull": f"registry pull models:/{rm.name}/{v.number}",
        "parents": [
            (f"{p.model}/{p.version}", links.href(page, model_page(p.model), f"version-{p.version}"))
            for p in v.parents
        ],
        "data": lin.data,
        "code": lin.code,
        "run": lin.run,
        "signature": json.dumps(v.signature, indent=2, ensure_ascii=False, default=str)
        if v.signature
        else None,
        "history": history,
    }


def _lineage_svg(sub: Graph, links: _Pages, page: str, focus: set[str]) -> str:
    href = {
        node_id: links.href(page, model_page(str(n.attrs["model"])), f"version-{n.attrs['version']}")
        for node_id, n in sub.nodes.items()
        if n.kind == "version" and not n.attrs.get("missing")
    }
    return svg.lineage_svg(sub, href=href, focus=focus)


def _neighbours(sub: Graph, mine: set[str], *, up: bool) -> list[str]:
    """What ``mine`` (a model's versions) were made from, or what was made from them."""
    found = set()
    for e in sub.edges:
        if up and e.target in mine and e.source not in mine:
            found.add(sub.nodes[e.source].label)
        if not up and e.source in mine and e.target not in mine and sub.nodes[e.target].kind == "version":
            found.add(sub.nodes[e.target].label)
    return sorted(found)


def write(files: Mapping[str, str | bytes], out: Path) -> int:
    """Write generated files under ``out`` (``registry site generate``)."""
    for rel, content in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return len(files)
