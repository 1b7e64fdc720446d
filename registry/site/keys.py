"""Keys that name what a page is made from, so that ``registry serve`` can
keep a page whose inputs did not change without building its values."""

from __future__ import annotations

import hashlib
import pickle
from typing import Any

from registry import layout
from registry.history import Event
from registry.lineage import Graph
from registry.records import RegisteredModel
from registry.site.context import SiteData


class Inputs:
    """The keys of one build's pages. Every key includes what any page may
    depend on: the templates, the link style, registry.yaml, and which models
    and versions exist (links point to them)."""

    def __init__(
        self,
        data: SiteData,
        directory_urls: bool,
        env: Any,
        before: tuple[bytes, dict[str, bytes]] | None,
    ) -> None:
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
                reg.blob(layout.REGISTRY_FILE),
                sorted((name, sorted(rm.versions), rm.model.former_names) for name, rm in reg.models.items()),
            )
        )
        self.whole_graph = self.graph(data.graph)
        self.parts_before = before[1] if before is not None and before[0] == self.whole_graph else {}
        """The keys of each model's part of the graph from the last build
        (``before``), if the whole graph is as it was then (cutting 1,000 parts costs a second)."""
        self.parts: dict[str, bytes] = {}
        """The keys of each model's part of the graph in this build."""
        events = data.events
        self._events = (
            len(events),
            events[0].commit if events else None,
            events[-1].commit if events else None,
        )

    def _digest(self, value: Any) -> bytes:
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

    def lineage(self, model: bytes | None, part: bytes) -> bytes:
        """A model's lineage page: its part of the graph, and the model (a template may show more of it)."""
        return self._digest(("lineage", model, part))

    def activity(self, number: int) -> bytes:
        """A page of the audit log: the whole history (from its first, last and count)."""
        return self._digest(("activity", number, self._events))


def templates_digest(env: Any) -> bytes:
    """Every template's source as the loader finds it now (overrides included)."""
    h = hashlib.blake2b(digest_size=32)
    for name in sorted(env.list_templates()):
        source, _filename, _uptodate = env.loader.get_source(env, name)
        h.update(name.encode() + b"\0" + source.encode() + b"\0")
    return h.digest()
