"""The lineage graph: model versions, the datasets and code they were trained
from, and the versions fine-tuned from them.

Nodes are versions (``model:NAME/N``), datasets (``data:PATH@MD5``) and code
commits (``code:REPO@COMMIT``); edges run from what was used to what was
made: dataset -> version, code -> version, parent version -> version. A
parent named by a former model name is drawn under the model's current name.
The rendering core is pure: it does not read git or the disk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from registry.records import Lineage, RegisteredModel, Version


@dataclass(frozen=True)
class Node:
    id: str
    kind: str
    """``version``, ``dataset`` or ``code``."""
    label: str
    attrs: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    """``parent``, ``data`` or ``code``: how the target used the source."""


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def add(self, node: Node) -> str:
        self.nodes.setdefault(node.id, node)
        return node.id

    def upstream(self, start: Iterable[str]) -> set[str]:
        return _reach(start, self._index("target"), "source")

    def downstream(self, start: Iterable[str]) -> set[str]:
        return _reach(start, self._index("source"), "target")

    def _index(self, end: str) -> dict[str, list[Edge]]:
        """Edges by their ``source`` or ``target``, built once per graph (a
        site asks about every model) and again only if edges were added."""
        cached = self.__dict__.get(f"_by_{end}")
        if cached is None or cached[0] != len(self.edges):
            index: dict[str, list[Edge]] = {}
            for e in self.edges:
                index.setdefault(getattr(e, end), []).append(e)
            cached = self.__dict__[f"_by_{end}"] = (len(self.edges), index)
        return cached[1]

    def restricted(self, keep: set[str]) -> Graph:
        by_source = self._index("source")
        edges = [e for node in sorted(keep) for e in by_source.get(node, ()) if e.target in keep]
        return Graph({k: self.nodes[k] for k in sorted(keep) if k in self.nodes}, edges)


def _reach(start: Iterable[str], index: Mapping[str, list[Edge]], other: str) -> set[str]:
    """Every node reached from ``start`` by following edges to their ``other`` end."""
    seen = set(start)
    todo = list(seen)
    while todo:
        for e in index.get(todo.pop(), ()):
            nxt = getattr(e, other)
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def version_id(model: str, number: int) -> str:
    return f"model:{model}/{number}"


def build(
    models: Mapping[str, RegisteredModel], lineage_of: Callable[[Version], Lineage] | None = None
) -> Graph:
    """The whole registry's lineage graph (``lineage_of``: where a version's
    lineage comes from, when the caller remembers some)."""
    former = {old: rm.name for rm in models.values() for old in rm.model.former_names}
    graph = Graph()
    for rm in models.values():
        for v in rm.versions.values():
            graph.add(_version_node(rm, v))
    for rm in sorted(models.values(), key=lambda r: r.name):
        for number in sorted(rm.versions):
            v = rm.versions[number]
            target = version_id(rm.name, number)
            lineage = lineage_of(v) if lineage_of is not None else v.lineage
            for d in lineage.data:
                stamp = d.md5 or d.etag or d.version
                key = f"data:{d.where}" + (f"@{stamp}" if stamp else "")
                label = d.where + (f" ({stamp[:8]})" if stamp else "")
                attrs = {"name": d.name, "path": d.path, "md5": d.md5, "version": d.version}
                attrs |= {"uri": d.uri, "repo": d.repo, "rev": d.rev, "etag": d.etag}
                graph.edges.append(Edge(graph.add(Node(key, "dataset", label, attrs)), target, "data"))
            code = lineage.code
            if code is not None and (code.repo or code.commit):
                key = f"code:{code.repo or ''}@{code.commit or ''}"
                label = f"{_short_repo(code.repo)}@{(code.commit or '?')[:10]}"
                attrs = {"repo": code.repo, "commit": code.commit}
                graph.edges.append(Edge(graph.add(Node(key, "code", label, attrs)), target, "code"))
            for parent in v.parents:
                name = former.get(parent.model, parent.model)
                source = version_id(name, parent.version)
                if source not in graph.nodes:  # a parent that does not exist: the checker reports it
                    graph.add(
                        Node(source, "version", f"{name}/{parent.version} (missing)", {"missing": True})
                    )
                graph.edges.append(Edge(source, target, "parent"))
    return graph


def _version_node(rm: RegisteredModel, v: Version) -> Node:
    aliases = sorted(a for a, n in rm.model.aliases.items() if n == v.number)
    label = f"{rm.name}/{v.number}"
    return Node(
        version_id(rm.name, v.number),
        "version",
        label,
        {"model": rm.name, "version": v.number, "stage": v.stage, "aliases": aliases},
    )


def _short_repo(repo: str | None) -> str:
    if not repo:
        return "code"
    text = re.sub(r"^(https?://|git@)", "", repo).removesuffix(".git")
    return text.replace(":", "/", 1) if repo.startswith("git@") else text


def around(graph: Graph, start: Iterable[str], *, upstream: bool = True, downstream: bool = True) -> Graph:
    """The part of ``graph`` upstream and/or downstream of ``start``."""
    start = list(start)
    keep = set(start)
    if upstream:
        keep |= graph.upstream(start)
    if downstream:
        down = graph.downstream(start)
        keep |= down
        # What the downstream versions were also trained from is part of their story, one step up.
        into = graph._index("target")
        keep |= {e.source for node in down for e in into.get(node, ()) if e.kind != "parent"}
    return graph.restricted(keep)


# -- rendering ---------------------------------------------------------------------


def to_json(graph: Graph) -> dict[str, object]:
    return {
        "nodes": [{"id": n.id, "kind": n.kind, "label": n.label, **n.attrs} for n in graph.nodes.values()],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind} for e in graph.edges],
    }


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: Graph) -> str:
    shapes = {"version": "box", "dataset": "cylinder", "code": "note"}
    lines = ["digraph lineage {", "  rankdir=LR;", '  node [fontname="sans-serif"];']
    for n in graph.nodes.values():
        label = n.label + (f"\n{n.attrs['stage']}" if n.kind == "version" and n.attrs.get("stage") else "")
        lines.append(f"  {_dot_string(n.id)} [label={_dot_string(label)}, shape={shapes[n.kind]}];")
    for e in graph.edges:
        lines.append(f"  {_dot_string(e.source)} -> {_dot_string(e.target)} [label={_dot_string(e.kind)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    out = []
    for ch in text:
        if ch.isalnum() or ch in " ./_-@():,":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def to_mermaid(graph: Graph) -> str:
    ids = {node_id: f"n{i}" for i, node_id in enumerate(graph.nodes)}
    shapes = {"version": ('["', '"]'), "dataset": ('[("', '")]'), "code": ('{{"', '"}}')}
    lines = ["flowchart LR"]
    for node_id, n in graph.nodes.items():
        left, right = shapes[n.kind]
        label = n.label + (f" ({n.attrs['stage']})" if n.kind == "version" and n.attrs.get("stage") else "")
        lines.append(f"  {ids[node_id]}{left}{_mermaid_text(label)}{right}")
    for e in graph.edges:
        lines.append(f"  {ids[e.source]} -->|{e.kind}| {ids[e.target]}")
    return "\n".join(lines) + "\n"


def to_text(graph: Graph, start: list[str]) -> str:
    """For each starting version: what it came from, and what came from it."""
    into: dict[str, list[Edge]] = {}
    out_of: dict[str, list[Edge]] = {}
    for e in graph.edges:
        into.setdefault(e.target, []).append(e)
        out_of.setdefault(e.source, []).append(e)
    lines: list[str] = []

    def walk(node: str, depth: int, edges: Mapping[str, list[Edge]], up: bool, seen: set[str]) -> None:
        for e in sorted(edges.get(node, ()), key=lambda e: (e.kind, e.source, e.target)):
            other = e.source if up else e.target
            n = graph.nodes[other]
            stage = f" [{n.attrs['stage']}]" if n.kind == "version" and n.attrs.get("stage") else ""
            lines.append(f"{'  ' * depth}{e.kind if up else 'used by'}: {n.label}{stage}")
            if other not in seen and n.kind == "version":
                walk(other, depth + 1, edges, up, seen | {other})

    for node in start:
        n = graph.nodes[node]
        lines.append(f"{n.label} [{n.attrs.get('stage')}]")
        walk(node, 1, into, True, {node})
        walk(node, 1, out_of, False, {node})
    return "\n".join(lines)


def dumps(graph: Graph) -> str:
    return json.dumps(to_json(graph), indent=2, ensure_ascii=False)
