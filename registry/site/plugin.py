"""The MkDocs plugin (``plugins: [search, registry]``): a thin layer over
``registry.site.render``. It loads the registry in ``on_config``, adds the
generated pages in ``on_files`` (a hand-written page of the same path wins),
and watches the records in ``on_serve`` so ``mkdocs serve`` rebuilds on edits.

``layer`` holds all of it without importing MkDocs, so the same plugin also
runs under ProperDocs (``registry.site.properdocs_plugin``).
"""

from __future__ import annotations

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel

from registry.site.layer import RegistryLayer


class RegistryPluginConfig(Config):
    registry = config_options.Optional(config_options.Type(str))
    """The registry's folder (default: the folder of mkdocs.yml)."""


class RegistryPlugin(RegistryLayer, BasePlugin[RegistryPluginConfig]):
    file_class = File
    not_in_nav = InclusionLevel.NOT_IN_NAV
    plugin_error = PluginError
