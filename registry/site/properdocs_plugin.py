"""The same plugin for ProperDocs, the maintained fork of MkDocs 1.6."""

from __future__ import annotations

from properdocs.config import config_options
from properdocs.config.base import Config
from properdocs.exceptions import PluginError
from properdocs.plugins import BasePlugin
from properdocs.structure.files import File, InclusionLevel

from registry.site.layer import RegistryLayer


class RegistryPluginConfig(Config):
    registry = config_options.Optional(config_options.Type(str))


class RegistryPlugin(RegistryLayer, BasePlugin[RegistryPluginConfig]):
    file_class = File
    not_in_nav = InclusionLevel.NOT_IN_NAV
    plugin_error = PluginError
    log_name = "properdocs.plugins.registry"
