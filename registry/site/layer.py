"""What the MkDocs and ProperDocs plugins do, written against the API the two
share (MkDocs 1.6's), without importing either."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from registry import layout
from registry.errors import RegistryError
from registry.site import collect
from registry.site.jobs import PageMemo
from registry.site.pages.assets import FILES as ASSETS
from registry.site.render import build, write
from registry.site.splicing import by_search, splice, unsplice


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("A 'dirty' build is being performed")


class RegistryLayer:
    config: Any
    file_class: Any  # the engine's File
    not_in_nav: Any  # its InclusionLevel.NOT_IN_NAV: generated pages are reached by links, not the nav
    plugin_error: type[Exception]  # its PluginError: the engine reports it as one line, not a traceback

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Having this hook keeps one plugin object for a whole ``serve``: it
        remembers the last build's pages, so a rebuild renders only what changed."""
        self._memo: PageMemo | None = PageMemo() if command == "serve" else None
        self._folder: Path | None = None  # where ``serve`` keeps the generated files
        self._written: dict[str, str | bytes] = {}
        self._known: dict[Any, Any] = {}  # the history, and each version's lineage, as last read
        self._dirty = command == "serve" and dirty  # the site folder keeps what the last build wrote
        self._api_written: dict[str, str | bytes] = {}
        if self._dirty:  # its warning is about pages left as they were; ours are kept current
            for engine in ("mkdocs", "properdocs"):
                logging.getLogger(f"{engine}.commands.build").addFilter(_not_the_dirty_warning)

    def on_shutdown(self) -> None:
        if getattr(self, "_folder", None) is not None:
            shutil.rmtree(str(self._folder), ignore_errors=True)

    def on_config(self, config: Any) -> Any:
        base = Path(config.config_file_path or ".").resolve().parent
        option = self.config.registry
        self._root = (base / option).resolve() if option else base
        try:
            data = collect(
                self._root, known=getattr(self, "_known", None) if getattr(self, "_memo", None) else None
            )
            self._warn_problems(data.reg)
            files = build(
                data,
                directory_urls=config.use_directory_urls,
                overrides=self._root / "site_templates",
                memo=getattr(self, "_memo", None),
            )
        except RegistryError as exc:  # its message names the file it is about, where that is known
            raise self.plugin_error(f"registry: {exc}") from exc
        self._segments: dict[str, tuple[dict[int, str], dict[int, str]]] = {}
        self._pages = dict(files)  # as rendered: what tells whether a page changed
        for path, content in files.items():
            if path.endswith(".md") and isinstance(content, str):
                files[path], segments = splice(content)
                self._segments[path] = by_search(segments)
        # The JSON API is written straight into the site (on_post_build): as 20,000
        # MkDocs files it would cost every build, and every serve rebuild, seconds.
        self._api = {
            p: files.pop(p) for p in [p for p in files if p.startswith("api/") and p.endswith(".json")]
        }
        self._files = files
        if ASSETS[0] not in [str(i) for i in config.extra_css]:
            config.extra_css.append(ASSETS[0])
        if ASSETS[1] not in [str(i) for i in config.extra_javascript]:
            config.extra_javascript.append(ASSETS[1])
        return config

    log_name = "mkdocs.plugins.registry"  # a warning there fails `build --strict`

    def _warn_problems(self, reg: Any) -> None:
        """Each of the registry's problems (as ``registry check`` finds them) as
        a warning of the engine's: a normal build shows them and builds the
        rest (a broken version marked broken), a ``--strict`` one fails."""
        from registry.check import check_loaded

        log = logging.getLogger(self.log_name)
        for problem in check_loaded(reg):
            log.warning("registry: %s", problem)

    def on_files(self, files: Any, config: Any) -> Any:
        serving = getattr(self, "_memo", None) is not None
        for path, content in self._files.items():
            if files.get_file_from_path(path) is not None:
                continue  # a hand-written page of the same path wins
            if serving:
                source = self._keep(path, content)
                file = self.file_class.generated(config, path, abs_src_path=source, inclusion=self.not_in_nav)
            else:
                file = self.file_class.generated(config, path, content=content, inclusion=self.not_in_nav)
            files.append(file)
        for path in [p for p in self._api if files.get_file_from_path(p) is not None]:
            del self._api[path]  # a hand-written file of the same path wins here too
        return files

    def on_post_build(self, config: Any) -> None:
        dirty = getattr(self, "_dirty", False)  # `serve --dirty`: the last build's files are still there
        written = self._api_written if dirty else {}
        write({p: c for p, c in self._api.items() if written.get(p) != c}, Path(config.site_dir))
        if dirty:
            self._api_written = dict(self._api)

    def _keep(self, path: str, content: str | bytes) -> str:
        """Under ``serve``, a generated file lives on disk and is rewritten only
        when its page changed: its time then tells ``serve --dirty`` which pages
        to rebuild. (The page, not the file: the file of a spliced page holds
        only its headings, which an edit rarely changes.)"""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="registry-serve-"))
        page = self._pages[path]
        if self._written.get(path) != page:
            write({path: content}, self._folder)
            self._written[path] = page
        return os.path.join(self._folder, path)  # str, not Path: 20,000 files a rebuild

    def on_page_content(self, html: str, page: Any, config: Any, files: Any) -> str:
        """The page's HTML, but for what search leaves out (see ``by_search``)."""
        segments = self._segments.get(page.file.src_uri)
        return unsplice(html, segments[0]) if segments else html

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        """The rest, once the search plugin has indexed the page."""
        segments = self._segments.get(page.file.src_uri)
        return unsplice(output, segments[1]) if segments else output

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        for watched in (*(self._root / p for p in layout.ROOTS), self._root / "site_templates"):
            if watched.exists():
                server.watch(str(watched))
        return server
