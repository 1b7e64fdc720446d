"""The catalog's own stylesheet and script. The stylesheet's rules that
colour the stages are the registry's own (``stages.stylesheet_rules``): they
go where the packaged stylesheet has its ``STAGE_RULES`` line."""

from __future__ import annotations

from importlib import resources

from registry.site.context import Build
from registry.site.stages import stylesheet_rules

FILES = ("assets/registry.css", "assets/registry.js")
STAGE_RULES = "/* registry: stage colours */\n"


def add(site: Build) -> None:
    css, js = (_packaged(path) for path in FILES)
    site.out[FILES[0]] = css.replace(STAGE_RULES, stylesheet_rules(site.config), 1)
    site.out[FILES[1]] = js


def _packaged(path: str) -> str:
    return (resources.files("registry.site") / path).read_text(encoding="utf-8")
