"""The write commands: promote, archive, rollback, alias, tag, describe. Each makes one commit."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registry import git, write
from registry.errors import UsageError
from registry.limits import MAX_BYTES
from registry.refs import parse_target


def _report(root: Path, commit: str, *, pr: bool = False) -> int:
    subject = git.run(["log", "-1", "--format=%s", commit], root).decode().strip()
    branches = git.run(
        ["for-each-ref", "--points-at", commit, "--format=%(refname:short)", "refs/heads"], root
    )
    names = branches.decode().split()
    current = git.current_branch(root)
    new_branch = names[0] if names and current not in names else None
    click.echo(f"[{commit[:10]}] {subject}" + (f" (branch {new_branch})" if new_branch else ""))
    if pr and new_branch and current:
        from registry.forge import open_pull_request
        from registry.load import load

        body = git.run(["log", "-1", "--format=%b", commit], root).decode().strip()
        forge = load(root, only=[]).config.forge
        click.echo(open_pull_request(root, forge, current, new_branch, subject, body))
    return 0


Branch = str | bool | None


def branch_option(value: str | None) -> Branch:
    """--branch absent: None; --branch alone: True (a name from the change); --branch NAME."""
    return None if value is None else (value or True)


def read_text(value: str) -> str:
    """TEXT, or the contents of a file given as @path (``-`` for standard input)."""
    if not value.startswith("@"):
        return value
    source = value[1:]
    data: bytes
    if source == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        try:
            with open(source, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise UsageError(f"cannot read {source}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"{source} is larger than {MAX_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text") from None


def promote(
    root: Path,
    model: str,
    version: int,
    stage: str,
    reason: str | None,
    branch: Branch,
    push: bool,
    pr: bool = False,
) -> int:
    return _report(
        root,
        write.promote(
            root, model, version, stage, reason=reason, branch=branch or pr or None, push=push or pr
        ),
        pr=pr,
    )


def archive(
    root: Path, model: str, version: int, reason: str | None, branch: Branch, push: bool, pr: bool = False
) -> int:
    return _report(
        root,
        write.archive(root, model, version, reason=reason, branch=branch or pr or None, push=push or pr),
        pr=pr,
    )


def rollback(
    root: Path,
    model: str,
    to: int | None,
    stage: str | None,
    reason: str | None,
    branch: Branch,
    push: bool,
    pr: bool = False,
) -> int:
    from registry.history import shallow_warning

    if git.head_commit(root) is not None:
        warning = shallow_warning(root)  # the version to go back to is found in the history
        if warning:
            click.echo(f"registry: {warning}", err=True)
    commit = write.rollback(
        root, model, to=to, stage=stage, reason=reason, branch=branch or pr or None, push=push or pr
    )
    return _report(root, commit, pr=pr)


def alias_set(
    root: Path, model: str, alias: str, version: int, branch: Branch, push: bool, pr: bool = False
) -> int:
    return _report(
        root,
        write.set_alias(root, model, alias, version, branch=branch or pr or None, push=push or pr),
        pr=pr,
    )


def alias_rm(root: Path, model: str, alias: str, branch: Branch, push: bool, pr: bool = False) -> int:
    return _report(
        root, write.delete_alias(root, model, alias, branch=branch or pr or None, push=push or pr), pr=pr
    )


def tag_set(
    root: Path, target: str, key: str, value: str, branch: Branch, push: bool, pr: bool = False
) -> int:
    model, version = parse_target(target)
    return _report(
        root,
        write.set_tag(root, model, version, key, value, branch=branch or pr or None, push=push or pr),
        pr=pr,
    )


def tag_rm(root: Path, target: str, key: str, branch: Branch, push: bool, pr: bool = False) -> int:
    model, version = parse_target(target)
    return _report(
        root, write.delete_tag(root, model, version, key, branch=branch or pr or None, push=push or pr), pr=pr
    )


def describe(root: Path, target: str, text: str, branch: Branch, push: bool, pr: bool = False) -> int:
    model, version = parse_target(target)
    return _report(
        root,
        write.describe(root, model, version, read_text(text), branch=branch or pr or None, push=push or pr),
        pr=pr,
    )


def _pairs(items: tuple[str, ...], what: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--{what} {item!r}: expected KEY=VALUE")
        out.append((key, value))
    return out


def _param_value(text: str) -> str | int | float | bool:
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def register(
    root: Path,
    model: str,
    artifact: str,
    *,
    metrics_file: str | None,
    params_file: str | None,
    metric: tuple[str, ...],
    param: tuple[str, ...],
    tag: tuple[str, ...],
    description: str | None,
    parent: tuple[str, ...],
    data: tuple[str, ...],
    code: str | None,
    code_commit: str | None,
    code_repo: str | None,
    code_path: str | None,
    run_id: str | None,
    stage: str | None,
    branch: str | None,
    push: bool,
    pr: bool,
) -> int:
    from registry.write.register import read_values

    metrics: dict[str, float] = dict(read_values(Path(metrics_file))) if metrics_file else {}
    for key, value in _pairs(metric, "metric"):
        try:
            metrics[key] = float(value)
        except ValueError:
            raise UsageError(f"--metric {key}={value}: not a number") from None
    params = dict(read_values(Path(params_file))) if params_file else {}
    params.update((k, _param_value(v)) for k, v in _pairs(param, "param"))
    parents = []
    for item in parent:
        name, number = parse_target(item)
        if number is None:
            raise UsageError(f"--parent {item!r}: expected MODEL/N")
        parents.append((name, number))
    commit, number = write.register(
        root,
        model,
        artifact,
        metrics=metrics,
        params=params,
        tags=dict(_pairs(tag, "tag")),
        description=read_text(description) if description else None,
        parents=parents,
        data=list(data),
        code_dir=code or str(Path.cwd()),
        code_commit=code_commit,
        code_repo=code_repo,
        code_path=code_path,
        run_id=run_id,
        stage=stage,
        push=push or pr,
        branch=branch_option(branch) or pr or None,
    )
    return _report(root, commit, pr=pr)


def rename(root: Path, old: str, new: str, reason: str | None) -> int:
    return _report(root, write.rename(root, old, new, reason=reason))
