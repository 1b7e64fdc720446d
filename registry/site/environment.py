"""The Jinja environment the pages are rendered in: the registry's own
templates before the package's, autoescaping, every printed value on one
line, and the filters and functions the templates use."""

from __future__ import annotations

from datetime import UTC
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from registry.site.descriptions import markdown_html
from registry.site.jobs import PageMemo
from registry.site.rows import event_row
from registry.views import deletion_text
from registry.when import minute


def environment_for(overrides: Path | None, memo: PageMemo | None) -> Any:
    """The environment of a build; under ``serve`` (``memo``), the last build's
    while the overrides stay the same files, so templates are compiled once."""
    if memo is None:
        return environment(overrides)
    seen = overrides_seen(overrides)
    if memo.env is None or memo.env[0] != seen:
        memo.env = (seen, environment(overrides, reload=True))
    return memo.env[1]


def environment(overrides: Path | None, reload: bool = False) -> Any:
    import jinja2

    loaders: list[jinja2.BaseLoader] = []
    if overrides is not None and overrides.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(overrides)))
    loaders.append(jinja2.FileSystemLoader(str(resources.files("registry.site") / "templates")))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        auto_reload=reload,  # one build renders a template thousands of times
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=one_line,
    )
    env.filters["markdown"] = markdown_html
    env.filters["when"] = minute
    env.globals["event_row"] = event_row
    env.globals["stage"] = stage_badge
    env.globals["deleted"] = deletion_text
    env.filters["day"] = lambda d: d.astimezone(UTC).strftime("%Y-%m-%d") if d else ""
    env.filters["metric"] = lambda v: f"{v:.4g}" if isinstance(v, float) else str(v)
    return env


def overrides_seen(overrides: Path | None) -> Any:
    """The override templates there are, and when each was written."""
    if overrides is None or not overrides.is_dir():
        return (overrides, None)
    return (overrides, sorted((p.name, p.stat().st_mtime_ns) for p in overrides.iterdir()))


def one_line(value: Any) -> Any:
    """Every value a template prints, escaped and on one line (newlines as
    ``&#10;``, which HTML reads the same): then the only line breaks in a page
    are the template's own, and a line that starts with ``#`` is one of its
    headings. ``splicing.splice`` relies on it."""
    if isinstance(value, Markup):
        text = str(value)  # as str: Markup.replace would escape the "&#10;" it puts in
    elif isinstance(value, str):
        text = str(escape(value))
    else:
        return value  # numbers, None: printed as they are
    return Markup(text.replace("\n", "&#10;") if "\n" in text else text)  # noqa: S704 - escaped above


def stage_badge(name: str) -> Markup:
    """A stage as a coloured badge (a function, not a macro: a page has hundreds)."""
    text = escape(name)
    return Markup(f'<span class="registry-stage stage-{text}">{text}</span>')  # noqa: S704 - escaped
