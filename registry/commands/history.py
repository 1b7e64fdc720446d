"""``registry history``: the audit trail, newest first, from git."""

from __future__ import annotations

import json
from pathlib import Path

import click

from registry import layout
from registry.commands.output import terminal
from registry.errors import UsageError
from registry.history import Event, events, phrase, shallow_warning
from registry.refs import parse_target
from registry.when import minute, parse_when


def select(found: list[Event], target: str | None, since: str | None, until: str | None) -> list[Event]:
    """The events of a model (under its current and former names) or a version, in a time window."""
    out = found
    if target:
        model, number = parse_target(target)
        names = {model}
        for event in reversed(found):  # follow renames back from the newest name
            if event.kind == "model_renamed" and event.details["to"] in names:
                names.add(event.details["from"])
        out = [e for e in out if e.model in names and (number is None or e.version == number)]
    if since:
        start = parse_when(since)
        out = [e for e in out if e.time >= start]
    if until:
        end = parse_when(until, end_of_day=True)
        out = [e for e in out if e.time <= end]
    return out


def names_of(root: Path, model: str, rev: str | None) -> list[str]:
    """A model's current name and former names (or just the name, if it is gone)."""
    from registry.load import load
    from registry.records import valid_name

    if not valid_name(model):
        raise UsageError(f"{model!r} is not a valid model name")
    reg = load(root, rev, only=[model])
    rm = reg.find_model(model)
    if rm is None:
        reg = load(root, rev)  # perhaps a former name of another model
        rm = reg.find_model(model)
    return [model] if rm is None else list(dict.fromkeys([rm.name, model, *rm.model.former_names]))


def render(found: list[Event]) -> str:
    lines = []
    groups: list[list[Event]] = []  # newest commit first; a commit's events in their own order
    for e in found:
        if groups and groups[-1][0].commit == e.commit and groups[-1][0].merge == e.merge:
            groups[-1].append(e)
        else:
            groups.append([e])
    for e in (e for group in reversed(groups) for e in group):
        when = minute(e.time)
        who = e.author.email or e.author.name or "(unknown)"
        via = f"  PR #{e.pr}" if e.pr is not None else ""
        if e.merged_by is not None and e.merged_by.email != e.author.email:
            via += f" merged by {e.merged_by.email or e.merged_by.name}"
        reason = f"  ({e.reason})" if e.reason else ""
        model = e.model or layout.REGISTRY_FILE
        lines.append(f"{when}  {e.commit[:10]}  {model}  {phrase(e)}  by {who}{via}{reason}")
    return "\n".join(lines)


def run(
    root: Path, target: str | None, *, rev: str | None, since: str | None, until: str | None, as_json: bool
) -> int:
    from registry import git

    if rev is None and git.head_commit(root) is None:
        click.echo("no changes: the repository has no commits yet", err=True)
        return 0
    warning = shallow_warning(root, rev or "HEAD")
    if warning:
        click.echo(f"registry: {warning}", err=True)
    models = names_of(root, parse_target(target)[0], rev) if target else None
    found = select(events(root, rev or "HEAD", models=models), target, since, until)
    if as_json:
        click.echo(json.dumps([e.to_json() for e in reversed(found)], indent=2, ensure_ascii=False))
    elif found:
        click.echo(terminal(render(found)))  # a Reason trailer is anyone's text
    else:
        click.echo("no changes" + (f" to {target}" if target else ""), err=True)
    return 0
