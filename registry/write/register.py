"""``register``: a new version of a model (created on first use), its artifact tracked by DVC."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registry import dvc, formats, git, layout
from registry.errors import UsageError
from registry.limits import MAX_BYTES
from registry.load import load
from registry.records import name_problem, valid_name
from registry.write import txn
from registry.write.commit import Change, WriteRefused, apply, apply_on_branch, preflight
from registry.write.edit import push_current
from registry.write.lock import locked
from registry.write.provenance import code_lineage, data_lineage
from registry.write.semver import choose

_VERSION_SCHEMA = "# yaml-language-server: $schema=../../../registry/schemas/version.schema.json\n"
_MODEL_SCHEMA = "# yaml-language-server: $schema=../../registry/schemas/model.schema.json\n"


def read_mapping(path: Path) -> dict[str, Any]:
    """A JSON or YAML file that holds a mapping, read safely and bounded."""
    from registry import yamlsafe

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"{path} is larger than {MAX_BYTES:,} bytes")
    try:
        doc = yamlsafe.load(data)
    except yamlsafe.YamlError as exc:
        raise UsageError(f"{path}:{exc.line or 1}: {exc}") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{path}: expected a mapping of names to values")
    return doc


def read_values(path: Path) -> dict[str, Any]:
    """A metrics or params file: JSON or YAML, flat or nested (nested keys are
    joined with dots, as MLflow's ``metrics.json`` exports are read)."""
    doc = read_mapping(path)
    flat: dict[str, Any] = {}

    def walk(prefix: str, node: Mapping[str, Any]) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(name + ".", value)
            else:
                flat[name] = value

    walk("", doc)
    return flat


def read_signature(path: Path) -> dict[str, Any]:
    """A signature file: the record's shape (``{inputs: [{name, type}], outputs: [...]}``),
    or MLflow's, as an ``MLmodel`` holds it (each part a JSON string)."""
    doc = read_mapping(path)
    if isinstance(doc.get("signature"), dict):  # an MLmodel file
        doc = doc["signature"]
    if any(isinstance(doc.get(part), str) for part in ("inputs", "outputs", "params")):
        converted = formats.signature(doc)
        if converted is None:
            raise UsageError(f"{path}: not a signature MLflow writes")
        return converted
    return doc


def _validate(record: Mapping[str, Any]) -> None:
    """Refuse, before DVC runs, a record the checker would refuse: the same
    schema and the same finiteness rule that loading applies."""
    from registry import schemas
    from registry.parse import out_of_domain

    problems = [msg for _, msg, _ in schemas.errors("version", record)]
    where = out_of_domain(record, ())
    if where is not None:
        problems.append(
            f"{'.'.join(map(str, where))} is outside the numbers a record holds "
            "(finite doubles, integers within 2**53 - 1)"
        )
    if problems:
        raise UsageError("the new version's record would be invalid: " + "; ".join(problems[:5]))


def register(
    root: Path | str,
    model: str,
    artifact: Path | str,
    *,
    metrics: Mapping[str, float] | None = None,
    params: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    description: str | None = None,
    parents: Sequence[tuple[str, int]] = (),
    data: Sequence[str | Mapping[str, str]] = (),
    code_dir: Path | str | None = None,
    code_commit: str | None = None,
    code_repo: str | None = None,
    code_path: str | None = None,
    run_id: str | None = None,
    signature: Mapping[str, Any] | None = None,
    stage: str | None = None,
    push: bool = False,
    branch: str | bool | None = None,
    lineage: Mapping[str, Any] | None = None,
    bump: str | None = None,
    semver: str | None = None,
    reuse_name: bool = False,
    upload: bool = False,
    require_clean: bool = False,
) -> tuple[str, int]:
    """Add the next version of ``model`` (creating the model on first use):
    put the artifact (a file, or a folder as one DVC output, exactly as
    ``dvc add`` makes it) in DVC's cache and under ``models/<model>/artifacts/<N>/``
    with its ``.dvc`` pointer, write the record, check and commit. Returns
    (commit id, N).

    A folder's own files say what it is: an MLflow model's ``MLmodel`` gives
    ``artifact.format`` (flavors, MLflow and Python versions), the signature
    unless ``signature`` is given, and the run unless ``run_id`` is; a
    Hugging Face ``config.json`` gives the model type and architectures
    (:mod:`registry.formats`; nothing is imported).

    ``lineage`` is the whole lineage to record, as the record holds it,
    instead of the one ``parents``, ``data``, ``code_*`` and ``run_id``
    make: a copy's or an import's, which come from another record.

    A deleted model's name is taken again only with ``reuse_name``: the
    model's tombstone ``model.yaml`` loses ``deleted`` in the same commit,
    its deleted versions stay tombstones, and the new version is numbered
    after them, so ``models:/x/3`` never means a new model's version.

    For a model with ``versioning: semver`` the record gets ``semver``:
    ``semver`` as given, else the latest semver bumped by ``bump``
    (``major``, ``minor`` or ``patch``), else by what the signature needs
    against the previous one (an input or output removed or retyped: major;
    inputs added: minor; else patch); the first version is 1.0.0. A patch or
    minor bump whose signature breaks the previous one is refused. A new
    model given ``semver`` is made a semver model.

    ``push`` publishes the version: it uploads the artifact to the DVC
    remote, then pushes the commit's branch to its upstream (origin, made
    its upstream, when it has none), so another clone can load it.
    ``upload`` uploads the artifact only. Training code that ran with
    uncommitted changes is recorded ``dirty`` (with a warning);
    ``require_clean`` refuses it instead. With ``branch`` (a name, or True
    for one derived from the change) the commit goes on a new branch, which
    ``push`` pushes to origin, and the work tree is left alone: the bytes go
    to DVC's cache, and to the remote with ``push`` or ``upload``."""
    commit, number = _register(
        root,
        model,
        artifact,
        None,
        metrics=metrics,
        params=params,
        tags=tags,
        description=description,
        parents=parents,
        data=data,
        code_dir=code_dir,
        code_commit=code_commit,
        code_repo=code_repo,
        code_path=code_path,
        run_id=run_id,
        signature=signature,
        stage=stage,
        upload=push or upload,
        push=push,
        branch=branch,
        lineage=lineage,
        bump=bump,
        semver=semver,
        reuse_name=reuse_name,
        require_clean=require_clean,
    )
    if push and branch in (None, False):
        push_current(Path(root), commit)
    return commit, number


@dataclass(frozen=True)
class Origin:
    """An imported version's past (``registry import``): when and by whom the
    source registered it, the number it has there, and where it came from."""

    created_at: datetime
    created_by: str
    author: git.Person
    """The commit's author and time: the source's user, at the source's time."""
    number: int
    """The source's version number; refused unless it is the next one here."""
    imported_from: Mapping[str, str]
    """``lineage.imported_from``: the source's system, registry, model and version."""
    trailers: tuple[tuple[str, str], ...] = ()
    """More trailers for the commit (the source's own name of the event)."""


@locked
def _register(
    root: Path | str,
    model: str,
    artifact: Path | str,
    origin: Origin | None,
    *,
    metrics: Mapping[str, float] | None = None,
    params: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    description: str | None = None,
    parents: Sequence[tuple[str, int]] = (),
    data: Sequence[str | Mapping[str, str]] = (),
    code_dir: Path | str | None = None,
    code_commit: str | None = None,
    code_repo: str | None = None,
    code_path: str | None = None,
    run_id: str | None = None,
    signature: Mapping[str, Any] | None = None,
    stage: str | None = None,
    upload: bool = False,
    push: bool = False,
    branch: str | bool | None = None,
    lineage: Mapping[str, Any] | None = None,
    bump: str | None = None,
    semver: str | None = None,
    reuse_name: bool = False,
    require_clean: bool = False,
) -> tuple[str, int]:
    """:func:`register`, or (``origin``) an import's registration."""
    root = Path(root)
    source = Path(artifact)
    if source.name in ("", ".."):  # `.` or `..`: the folder's own name
        source = source.resolve()
    why = name_problem(model)
    if why is not None:
        raise UsageError(f"{model!r} is not a valid model name: it {why}")
    if not layout.ARTIFACT_NAME_RE.match(source.name):
        raise UsageError(
            f"{source.name!r} cannot name an artifact: use letters, digits, '.', '_' and '-' "
            "(not first), at most 128; rename the file or folder, or copy it under such a name"
        )
    folder = source.is_dir() and not source.is_symlink()
    described = formats.Described()
    listed: list[tuple[str, Path]] = []
    if folder:
        listed = dvc.folder_files(source)  # refused before anything is written: empty, symlinks, sockets...
        described = formats.describe(source)
    elif not source.is_file():
        raise UsageError(f"{source}: no such file or folder (register takes an artifact file or folder)")
    reg = load(root, only=[model])
    rm = reg.models.get(model)
    number = max(rm.versions, default=0) + 1 if rm else 1
    if origin is not None and origin.number != number:
        raise WriteRefused(
            f"{model} v{origin.number} of the source would be v{number} here: the registry numbers "
            f"versions 1, 2, 3 ... without gaps, and {model} has {number - 1}"
        )
    reused = rm is not None and rm.model.deleted is not None
    if reused and not reuse_name:
        assert rm is not None and rm.model.deleted is not None
        gone = rm.model.deleted
        raise WriteRefused(
            f"{model} was {gone}, so its old URIs "
            f"fail; to take the name again, `registry restore {model}` or register with --reuse-name"
        )
    signature = signature or described.signature
    chosen = choose(model, rm, signature, bump, semver)
    stage = reg.config.stage_named(stage) if stage else reg.config.initial_stage
    art_rel = layout.artifact_rel(number, source.name)
    art_path = layout.artifact_file(model, art_rel)
    pointer_path = layout.pointer_file(model, art_rel)
    ignore_path = layout.ignore_file(model, number)
    record_path = layout.version_file(model, number)
    model_path = layout.model_file(model)
    created = [pointer_path, ignore_path]
    files_to_write = [record_path] + ([] if rm and not reused else [model_path])
    preflight(root, [*files_to_write, *created])
    on_branch = branch is not None and branch is not False
    art_dir = layout.artifact_dir(model, number)
    if not on_branch and (root / art_dir).exists():
        raise WriteRefused(f"{art_dir}/ already exists; remove it or commit it first")
    record: dict[str, Any] = {
        "created_at": (origin.created_at if origin else datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "created_by": origin.created_by if origin else git.identity_email(root) or "unknown",
        "stage": stage,
    }
    if chosen is not None:
        record["semver"] = str(chosen.semver)
    if description:
        record["description"] = description
    if tags:
        record["tags"] = dict(tags)
    if metrics:
        record["metrics"] = dict(metrics)
    if params:
        record["params"] = dict(params)
    if signature:
        record["signature"] = dict(signature)
    record["artifact"] = {"path": art_rel, "md5": "0" * 32, "size": 0}  # DVC's hash is filled in below
    if folder:
        record["artifact"] |= {"md5": "0" * 32 + ".dir", "nfiles": 1}
    if described.format:
        record["artifact"]["format"] = described.format
    made: dict[str, Any] = {}
    code = code_lineage(
        Path(code_dir) if code_dir else None, code_commit, code_repo, code_path, root, require_clean
    )
    if code:
        made["code"] = code
    datasets = data_lineage(root, data)
    if datasets:
        made["data"] = datasets
    run_id = run_id or described.run_id
    if run_id:
        made["run"] = {"id": run_id}
    if parents:
        made["parents"] = [{"model": m, "version": n} for m, n in parents]
    if lineage is not None:
        made = dict(lineage)
    if origin is not None:
        made["imported_from"] = dict(origin.imported_from)
    if made:
        record["lineage"] = made
    _validate(record)

    nfiles: int | None = None
    if folder:
        stored = dvc.store_folder(root, source, listed)
        md5, size, nfiles = stored.md5, stored.size, stored.nfiles
        copies = tuple(txn.Copy(f"{art_path}/{rel}", str(cached)) for rel, _, cached in stored.files)
    else:
        md5, size, cached = dvc.store(root, source)
        copies = (txn.Copy(art_path, str(cached)),)
    if upload:
        dvc.push_object(root, md5, size, nfiles)
    record["artifact"] = {"path": art_rel, "md5": md5, "size": size}
    if nfiles is not None:
        record["artifact"]["nfiles"] = nfiles
    if described.format:
        record["artifact"]["format"] = described.format
    # An editor's schema hint, where the registry keeps the schemas at that path (`registry schema`)
    hinted = (root / "registry" / "schemas" / "version.schema.json").is_file()
    files = {
        record_path: (_VERSION_SCHEMA if hinted else "") + _dump(record),
        pointer_path: dvc.pointer_text(source.name, md5, size, nfiles),
        ignore_path: f"/{source.name}\n",
    }
    if rm is None:
        files[model_path] = (_MODEL_SCHEMA if hinted else "") + (
            "versioning: semver\n" if chosen is not None else "{}\n"
        )
    elif reused:
        from registry.write.yamledit import Document

        doc = Document((root / model_path).read_text(encoding="utf-8"))
        doc.remove("deleted")
        files[model_path] = doc.text()
    copied = (lineage or {}).get("copied_from")
    reuse_note = "name reused" if reused else ""
    noted = ", ".join(n for n in ("new model" if rm is None else reuse_note, str(chosen or "")) if n)
    new_model = f" ({noted})" if noted else ""
    if origin is not None:
        came = origin.imported_from
        subject = f"import {model} v{number}{new_model} from {came['system']}"
        trailers = [("Registry-Action", "import"), ("Model", model), ("Version", str(number))]
        trailers.append(("Source", f"{came['system']} {came['registry']} {came['model']} {came['version']}"))
        trailers += origin.trailers
    elif copied:
        subject = f"copy {copied['model']} v{copied['version']} to {model} v{number}{new_model}"
        trailers = [("Registry-Action", "copy"), ("Model", model), ("Version", str(number))]
        trailers.append(("Source", f"models:/{copied['model']}/{copied['version']} at {copied['commit']}"))
    else:
        subject = f"register {model} v{number}{new_model}"
        trailers = [("Registry-Action", "register"), ("Model", model), ("Version", str(number))]
    if chosen is not None:
        trailers.append(("Semver", str(chosen.semver)))
    if stage != reg.config.initial_stage:
        trailers.append(("Stage", stage))
    named = [(p["model"], p["version"]) for p in made.get("parents") or ()]
    linked = tuple(sorted({m for m, _ in named if valid_name(m)} - {model}))
    change = Change(
        files, subject, tuple(trailers), models=(model, *linked), author=origin.author if origin else None
    )
    if on_branch:
        name = branch if isinstance(branch, str) else None
        return apply_on_branch(root, change, name, push=push), number
    return apply(root, change, copies=copies), number


def _dump(record: Mapping[str, Any]) -> str:
    """A new record in the layout of the examples: block maps, flow for small maps."""
    lines = []
    for key, value in record.items():
        if key == "description":
            body = str(value).rstrip("\n")
            lines.append("description: |")
            lines += [f"  {line}".rstrip() for line in body.splitlines()]
        else:
            lines += _node(key, value, "")
    return "\n".join(lines) + "\n"


def _node(key: str, value: Any, pad: str) -> list[str]:
    """``key: value``: a mapping that holds mappings as a block, a list of
    mappings one ``- {...}`` a line, anything else in flow style."""
    if isinstance(value, dict) and any(isinstance(v, dict) or _has_maps(v) for v in value.values()):
        return [f"{pad}{_scalar(key)}:"] + [
            line for k, v in value.items() for line in _node(k, v, pad + "  ")
        ]
    if _has_maps(value):
        return [f"{pad}{_scalar(key)}:"] + [f"{pad}  - {_flow(item)}" for item in value]
    return [f"{pad}{_scalar(key)}: {_flow(value)}"]


def _has_maps(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    """A YAML scalar that reads back as the same value (strings always quoted
    when they could be read as anything else)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_./@-]*", text) and text.lower() not in (
        "true",
        "false",
        "null",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "~",
    ):
        return text
    return json.dumps(text, ensure_ascii=False)
