"""``create_model``: a registered model with no versions yet (MLflow's
``create_registered_model``); ``register`` makes the model on first use too."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from registry import layout
from registry.errors import UsageError
from registry.load import load
from registry.records import name_problem
from registry.write.commit import Change, WriteRefused
from registry.write.edit import block_text, submit, trailers
from registry.write.lock import locked
from registry.write.yamledit import Document

_MODEL_SCHEMA = "# yaml-language-server: $schema=../../registry/schemas/model.schema.json\n"


@locked
def create_model(
    root: Path | str,
    name: str,
    *,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Create model ``name`` (its ``model.yaml``, with ``description`` and
    ``tags``) in one commit; return the commit id. A name that is taken, also
    as a former name or by a deleted model, is refused."""
    root = Path(root)
    why = name_problem(name)
    if why is not None:
        raise UsageError(f"{name!r} is not a valid model name: it {why}")
    reg = load(root, only=[name])
    found = reg.models.get(name)
    if found is not None and found.model.deleted is not None:
        gone = found.model.deleted
        raise WriteRefused(f"model {name!r} was {gone}; to take the name again, `registry restore {name}`")
    if found is not None or (root / layout.model_dir(name)).exists():
        raise WriteRefused(f"model {name!r} exists already")
    former = load(root).find_model(name)  # a former name lives in another model's folder
    if former is not None:
        raise WriteRefused(f"model name {name!r} is taken (a former name of {former.name})")
    doc = Document("")
    if description:
        doc.set("description", block_text(description))
    if tags:
        doc.mapping("tags").update(dict(tags))
    hinted = (root / "registry" / "schemas" / "model.schema.json").is_file()
    text = doc.text() if len(doc.data) else "{}\n"
    change = Change(
        {layout.model_file(name): (_MODEL_SCHEMA if hinted else "") + text},
        f"create model {name}",
        trailers("create", name),
        models=(name,),
    )
    return submit(root, change, branch, push)
