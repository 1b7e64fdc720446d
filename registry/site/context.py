"""What the catalog is made from (``SiteData``), and one build of it
(``Build``): what every page builder reads, and where each adds its pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from registry.history import Event
from registry.lineage import Graph
from registry.load import LoadedRegistry
from registry.site.jobs import Job, PageMemo, render_all
from registry.site.links import Pages
from registry.site.rows import EventRows
from registry.site.stages import stage_fills

if TYPE_CHECKING:
    from registry.site.keys import Inputs


@dataclass(frozen=True)
class SiteData:
    reg: LoadedRegistry
    events: list[Event]
    graph: Graph


class Build:
    """One build of the catalog. Page builders read the registry's models (by
    name, sorted), each model's events and the links between pages, and add
    templates to render (``render``) or finished files (``out``).

    Under ``registry serve`` (a ``memo`` and its ``keys``), a page whose
    inputs are those of the last build is kept without building its values
    (``kept``): its key names the inputs."""

    def __init__(self, data: SiteData, links: Pages, memo: PageMemo | None, keys: Inputs | None) -> None:
        reg = data.reg
        self.data = data
        self.config = reg.config
        self.links = links
        self.models = dict(sorted(reg.models.items()))
        names = {old: rm.name for rm in self.models.values() for old in (rm.name, *rm.model.former_names)}
        self._by_model: dict[str, list[Event]] = {}  # each model's events, under the name it has now
        for e in data.events:
            if e.model is not None:
                self._by_model.setdefault(names.get(e.model, e.model), []).append(e)
        self.event_rows = EventRows(links, self.models, names, reg.config.forge)
        self.fills = stage_fills(reg.config)
        """The colour of each stage, for the drawings."""
        self.memo = memo
        self.keys = keys
        self.model_keys: dict[str, bytes | None] = {}
        """The key of each model's page and JSON (None but under serve)."""
        self.out: dict[str, str | bytes] = {}
        self._jobs: list[Job] = []
        self._made_from: dict[str, bytes] = {}

    def kept(self, path: str, key: bytes | None) -> bool:
        """Whether the file at ``path`` is kept from the last build (its key is ``key``)."""
        if self.memo is None or key is None:
            return False
        self._made_from[path] = key
        old = self.memo.kept.get(path)
        if old is not None and old[0] == key:
            self.out[path] = old[1]
            return True
        return False

    def render(self, template: str, page: str, **values: Any) -> None:
        """Render ``template`` as ``page`` (in ``render_all``, with every other page)."""
        values["nav"] = self.links.nav(page)
        self._jobs.append((template, page, values))

    def render_all(self, env: Any) -> None:
        """Render every page asked for, in one batch (``jobs.render_all``)."""
        for (_template, page, _values), text in zip(self._jobs, render_all(env, self._jobs), strict=True):
            self.out[page] = text

    def events_of(self, name: str) -> list[Event]:
        """A model's events, oldest first, those of its former names too."""
        return self._by_model.get(name, [])

    def remember(self) -> None:
        """Leave what the next build under ``serve`` keeps."""
        if self.memo is None or self.keys is None:
            return
        self.memo.graph = (self.keys.whole_graph, self.keys.parts)
        self.memo.kept = {}
        for name, made_from in self._made_from.items():
            content = self.out[name]
            if isinstance(content, str):
                self.memo.kept[name] = (made_from, content)
