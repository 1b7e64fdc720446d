"""``registry show`` and ``registry resolve``: one model or one version."""

from __future__ import annotations

from pathlib import Path

import click

from registry import layout
from registry.commands.output import fmt_metric, table, terminal, warn_unread
from registry.errors import UsageError
from registry.records import RegisteredModel, Version
from registry.refs import load_for, parse_ref, resolve
from registry.traffic import by_share
from registry.views import deletion_text, dumps, load_code, model_view, pull_command, version_view


def _mapping(title: str, data: object) -> list[str]:
    if not isinstance(data, dict) or not data:
        return []
    width = max(len(str(k)) for k in data)
    return [f"{title}:"] + [f"  {str(k).ljust(width)}  {fmt_metric(v)}" for k, v in sorted(data.items())]


def _indent(text: str) -> list[str]:
    return [("  " + line).rstrip() for line in text.rstrip().split("\n")]  # a CR stays, to be escaped


def _column(col: dict[str, object]) -> str:
    """``amount: double``, ``int64[-1, 4]`` (a tensor), ``country: string?`` (optional)."""
    text = str(col.get("type"))
    shape = col.get("shape")
    if isinstance(shape, list):
        text += "[" + ", ".join(map(str, shape)) + "]"
    if col.get("optional"):
        text += "?"
    return f"{col['name']}: {text}" if "name" in col else text


def render_version(rm: RegisteredModel, v: Version) -> str:
    aliases = rm.aliases_of(v.number)
    state = "deleted" if v.is_deleted else v.stage
    lines = [
        f"{rm.name} version {v.number}  ({state}{', ' + ', '.join('@' + a for a in aliases) if aliases else ''})",
        f"uri:        models:/{rm.name}/{v.number}",
        *([f"semver:     {v.semver_text}  (models:/{rm.name}/{v.semver_text})"] if v.semver_text else []),
        f"created:    {v.created_at.isoformat()} by {v.created_by}",
        f"record:     {v.path}",
    ]
    if v.deleted is not None:
        lines.append(f"deleted:    {deletion_text(v.deleted)}")
    if v.description:
        lines += ["description:", *_indent(v.description)]
    lines += _mapping("tags", v.tags) + _mapping("metrics", v.metrics) + _mapping("params", v.params)
    if v.signature:
        lines.append("signature:")
        for part in ("inputs", "outputs", "params"):
            cols = v.signature.get(part) or []
            if cols:
                shown = ", ".join(_column(c) for c in cols)
                lines.append(f"  {part}: {shown}")
    art = v.artifact
    where = layout.artifact_file(rm.name, art.path)
    lines.append("artifact:")
    if art.md5.endswith(".dir"):
        lines.append(
            f"  path:    {where}/  (a folder: {art.nfiles} files, {art.size:,} bytes, md5 {art.md5})"
        )
    else:
        lines.append(f"  path:    {where}  ({art.size:,} bytes, md5 {art.md5})")
    if v.format is not None:
        lines.append(f"  format:  {v.format.summary()}")
    if v.is_deleted:
        lines.append("  pull:    - (deleted: its pointer is gone)")
    load = None if v.is_deleted else load_code(rm, v)
    if not v.is_deleted:
        lines.append(f"  pull:    {pull_command(rm, v)}")
    if load is not None:
        first, *rest = load.split("\n")
        lines += [f"  load:    {first}", *(f"           {line}" for line in rest)]
    lin = v.lineage
    if lin.code or lin.data or lin.run or lin.parents or lin.copied_from:
        lines.append("lineage:")
        if lin.code:
            lines.append(
                f"  code:    {lin.code.repo or ''} {lin.code.commit or ''} {lin.code.path or ''}".rstrip()
                + (f"  (with uncommitted changes, digest {lin.code.diff})" if lin.code.dirty else "")
            )
        for d in lin.data:
            stamp = f"md5 {d.md5}" if d.md5 else f"etag {d.etag}" if d.etag else "md5 -"
            lines.append(f"  data:    {d.name or d.where} {d.version or ''} {d.where} {stamp}")
        if lin.run:
            lines.append(f"  run:     {lin.run.id or ''} {lin.run.uri or ''}".rstrip())
        for p in lin.parents:
            lines.append(f"  parent:  models:/{p.model}/{p.version}")
        if lin.copied_from:
            c = lin.copied_from
            where = f"{c.registry} " if c.registry else ""
            lines.append(f"  copied:  from {where}models:/{c.model}/{c.version} at {c.commit[:12]}")
    return "\n".join(lines)


def _share(alias: str, number: int | None, pct: int) -> str:
    return f"@{alias} {f'v{number}' if number is not None else '(no such alias)'} {pct}%"


def render_model(rm: RegisteredModel) -> str:
    m = rm.model
    lines = [rm.name + ("  (deleted)" if m.deleted else "")]
    if m.deleted is not None:
        lines.append(f"deleted: {deletion_text(m.deleted)}")
    if m.former_names:
        lines.append(f"former names: {', '.join(m.former_names)}")
    if m.owners:
        lines.append(f"owners:  {', '.join(m.owners)}")
    if m.tags:
        lines.append("tags:    " + ", ".join(f"{k}={v}" for k, v in sorted(m.tags.items())))
    if rm.uses_semver:
        lines.append("versioning: semver")
    if m.aliases:
        lines.append("aliases: " + ", ".join(f"@{a} -> {n}" for a, n in sorted(m.aliases.items())))
    if m.traffic:
        shown = [_share(a, m.aliases.get(a), pct) for a, pct in by_share(m.traffic)]
        lines.append("traffic: " + " · ".join(shown))
    if m.description:
        lines += ["", *m.description.rstrip().split("\n")]
    keys = sorted({k for v in rm.versions.values() for k in v.metrics})[:4]
    semver = rm.uses_semver
    rows = [
        [
            v.number,
            *([v.semver_text or "-"] if semver else []),
            "deleted" if v.is_deleted else v.stage,
            " ".join("@" + a for a in rm.aliases_of(v.number)),
            v.created_at.strftime("%Y-%m-%d"),
            v.created_by,
            *[fmt_metric(v.metrics.get(k, "")) for k in keys],
        ]
        for v in sorted(rm.versions.values(), key=lambda v: -v.number)
    ]
    heads = ["VERSION", *(["SEMVER"] if semver else []), "STAGE", "ALIASES", "CREATED", "BY", *keys]
    lines += ["", table(heads, rows)]
    return "\n".join(lines)


def run(root: Path, ref_text: str, *, rev: str | None, as_json: bool) -> int:
    ref = parse_ref(ref_text)
    reg = load_for(root, ref, rev)
    rm, version = resolve(reg, ref)
    warn_unread(reg, rm.name)
    if rm.name != ref.model:
        click.echo(f"note: model {ref.model!r} was renamed to {rm.name!r}", err=True)
    if version is None:
        click.echo(dumps(model_view(rm, reg.config.live_stage)) if as_json else terminal(render_model(rm)))
    else:
        click.echo(dumps(version_view(rm, version)) if as_json else terminal(render_version(rm, version)))
    return 0


def run_resolve(root: Path, ref_text: str, *, rev: str | None, as_json: bool) -> int:
    ref = parse_ref(ref_text)
    reg = load_for(root, ref, rev)
    rm, version = resolve(reg, ref)
    if version is None:
        raise UsageError(f"{ref_text!r} names a model, not a version: add /N, @alias or :stage")
    if as_json:
        view = version_view(rm, version)
        keep = ("model", "version", "uri", "aliases", "stage", "artifact", "path")
        click.echo(dumps({k: view[k] for k in keep} | {"commit": reg.commit}))
    else:
        click.echo(f"models:/{rm.name}/{version.number}")
    return 0
