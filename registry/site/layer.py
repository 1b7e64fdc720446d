"""What the MkDocs and ProperDocs plugins do, written against the API the two
share (MkDocs 1.6's), without importing either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.site import collect
from registry.site.render import build, splice, unsplice

ASSETS = ("assets/registry.css", "assets/registry.js")


class RegistryLayer:
    config: Any
    file_class: Any

    def on_config(self, config: Any) -> Any:
        base = Path(config.config_file_path or ".").resolve().parent
        option = self.config.registry
        self._root = (base / option).resolve() if option else base
        files = build(
            collect(self._root),
            directory_urls=config.use_directory_urls,
            overrides=self._root / "site_templates",
        )
        self._segments: dict[str, list[str]] = {}
        for path, content in files.items():
            if path.endswith(".md") and isinstance(content, str):
                files[path], self._segments[path] = splice(content)
        self._files = files
        if ASSETS[0] not in [str(i) for i in config.extra_css]:
            config.extra_css.append(ASSETS[0])
        if ASSETS[1] not in [str(i) for i in config.extra_javascript]:
            config.extra_javascript.append(ASSETS[1])
        return config

    def on_files(self, files: Any, config: Any) -> Any:
        for path, content in self._files.items():
            if files.get_file_from_path(path) is None:
                files.append(self.file_class.generated(config, path, content=content))
        return files

    def on_page_content(self, html: str, page: Any, config: Any, files: Any) -> str:
        segments = self._segments.get(page.file.src_uri)
        return unsplice(html, segments) if segments else html

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        for watched in (self._root / "models", self._root / "registry.yaml", self._root / "site_templates"):
            if watched.exists():
                server.watch(str(watched))
        return server
