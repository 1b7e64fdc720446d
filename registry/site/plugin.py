"""The MkDocs plugin (``plugins: [search, registry]``): a thin layer over
``registry.site.render``. It loads the registry in ``on_config``, adds the
generated pages in ``on_files`` (a hand-written page of the same path wins),
and watches the records in ``on_serve`` so ``mkdocs serve`` rebuilds on edits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from registry.site import collect
from registry.site.render import build


class RegistryPluginConfig(Config):
    registry = config_options.Optional(config_options.Type(str))
    """The registry's folder (default: the folder of mkdocs.yml)."""


class RegistryPlugin(BasePlugin[RegistryPluginConfig]):
    def __init__(self) -> None:
        self._files: dict[str, str | bytes] = {}
        self._root = Path(".")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").resolve().parent
        self._root = (base / self.config.registry).resolve() if self.config.registry else base
        data = collect(self._root)
        self._files = build(
            data, directory_urls=config.use_directory_urls, overrides=self._root / "site_templates"
        )
        for name, items in (
            ("assets/registry.css", config.extra_css),
            ("assets/registry.js", config.extra_javascript),
        ):
            if name not in [str(i) for i in items]:
                items.append(name)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for path, content in self._files.items():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=content))
        return files

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        for watched in (self._root / "models", self._root / "registry.yaml", self._root / "site_templates"):
            if watched.exists():
                server.watch(str(watched))
        return server
