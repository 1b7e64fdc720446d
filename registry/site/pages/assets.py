"""The catalog's own stylesheet and script."""

from __future__ import annotations

from importlib import resources

from registry.site.context import Build

FILES = ("assets/registry.css", "assets/registry.js")


def add(site: Build) -> None:
    for path in FILES:
        site.out[path] = (resources.files("registry.site") / path).read_text(encoding="utf-8")
