"""Tags and descriptions of a model or of one version: the fields an
existing version may change besides its stage."""

from __future__ import annotations

from pathlib import Path

from registry.errors import NotFound
from registry.write.edit import block_text, document, record_path, submit_edit, trailers
from registry.write.lock import locked


@locked
def set_tag(
    root: Path | str,
    model: str,
    version: int | None,
    key: str,
    value: str,
    *,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Set a tag on a model (``version`` None) or on one version."""
    root = Path(root)
    rm, path, what = record_path(root, model, version)
    doc = document(root, path)
    doc.mapping("tags")[key] = value
    return submit_edit(
        root,
        rm.name,
        path,
        doc,
        f"tag {what}: {key}={value}",
        trailers("tag-set", rm.name, version=version, tag=f"{key}={value}"),
        branch,
        push,
    )


@locked
def delete_tag(
    root: Path | str,
    model: str,
    version: int | None,
    key: str,
    *,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    root = Path(root)
    rm, path, what = record_path(root, model, version)
    doc = document(root, path)
    if not doc.drop("tags", key):
        raise NotFound(f"{what} has no tag {key!r}")
    return submit_edit(
        root,
        rm.name,
        path,
        doc,
        f"untag {what}: {key}",
        trailers("tag-remove", rm.name, version=version, tag=key),
        branch,
        push,
    )


@locked
def describe(
    root: Path | str,
    model: str,
    version: int | None,
    text: str,
    *,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Replace the Markdown description of a model or of one version."""
    root = Path(root)
    rm, path, what = record_path(root, model, version)
    doc = document(root, path)
    doc.set("description", block_text(text))
    return submit_edit(
        root,
        rm.name,
        path,
        doc,
        f"describe {what}",
        trailers("describe", rm.name, version=version),
        branch,
        push,
    )
