"""``registry route MODEL KEY``: the variant of a traffic split a request key gets."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from registry.commands.output import terminal
from registry.refs import Ref, find_model, load_for
from registry.traffic import route
from registry.views import dumps


def run(root: Path, model: str, key: str, *, rev: str | None, as_json: bool) -> int:
    reg = load_for(root, Ref(model), rev)
    chosen = route(find_model(reg, model), key)
    view = dataclasses.asdict(chosen) | {"uri": f"models:/{chosen.model}/{chosen.version}"}
    click.echo(dumps(view) if as_json else terminal(str(chosen)))
    return 0
