"""``registry register MODEL ARTIFACT``: the options read into values, then
one commit (:func:`registry.write.register`)."""

from __future__ import annotations

from pathlib import Path

from registry import write
from registry.commands.change import read_text, report, target_branch
from registry.errors import UsageError
from registry.refs import parse_target


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


def run(
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
    signature: str | None,
    stage: str | None,
    bump: str | None,
    semver: str | None,
    reuse_name: bool = False,
    branch: str | None,
    push: bool,
    pr: bool,
    upload: bool = False,
    require_clean: bool = False,
) -> int:
    from registry.write.register import read_signature, read_values

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
    commit, _number = write.register(
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
        signature=read_signature(Path(signature)) if signature else None,
        stage=stage,
        bump=bump,
        semver=semver,
        push=push or pr,
        branch=target_branch(branch, pr),
        reuse_name=reuse_name,
        upload=upload,
        require_clean=require_clean,
    )
    return report(root, commit, pr=pr, uploaded=push or pr or upload, pushed=push or pr)
