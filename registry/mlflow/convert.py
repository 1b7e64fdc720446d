"""Records as MLflow's entities, MLflow's stages as the registry's, page tokens.

Stages, in both directions and case-insensitively: MLflow's ``None`` is the
registry's initial stage (``Config.initial_stage``), ``Production`` its live
stage (``Config.live_stage``), ``Archived`` its archive stage
(``Config.archive_stage``); any other name is the registry stage of that
name (``Staging`` is ``staging``). With the default stages the names are the
same, as registry.yaml's defaults are MLflow's. A registry stage that is not
one of those three shows in MLflow with its first letter raised (``canary``
-> ``Canary``).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from mlflow.entities.model_registry import (
    ModelVersion,
    ModelVersionTag,
    RegisteredModel as MlflowModel,
    RegisteredModelAlias,
    RegisteredModelTag,
)
from mlflow.entities.model_registry.model_version_status import ModelVersionStatus

from registry.errors import UsageError
from registry.mlflow.uri import artifact_uri
from registry.records import Config, RegisteredModel, Version
from registry.refs import version_number

READY = ModelVersionStatus.to_string(ModelVersionStatus.READY)


# -- stages ---------------------------------------------------------------------


def _fixed(config: Config) -> dict[str, str | None]:
    return {"none": config.initial_stage, "production": config.live_stage, "archived": config.archive_stage}


def to_mlflow_stage(config: Config, stage: str) -> str:
    """The MLflow stage name of a registry stage."""
    for name, ours in _fixed(config).items():
        if stage == ours:
            return name.capitalize()
    return stage[:1].upper() + stage[1:]


def from_mlflow_stage(config: Config, stage: str) -> str:
    """The registry stage an MLflow stage name means (any letter case)."""
    key = (stage or "").strip().lower()
    ours = _fixed(config).get(key)
    if ours is not None:
        return ours
    for name in config.stages:
        if name.lower() == key:
            return name
    known = ", ".join(to_mlflow_stage(config, s) for s in config.stages)
    raise UsageError(f"{stage!r} is not a stage of this registry (its stages, as MLflow names them: {known})")


# -- values ---------------------------------------------------------------------


def number_of(version: int | str) -> int:
    """A version number as MLflow sends it (an int, or a string from REST)."""
    if isinstance(version, int) and not isinstance(version, bool) and version > 0:
        return version
    number = version_number(str(version).strip()) if isinstance(version, str) else None
    if number is None:
        raise UsageError(f"{version!r} is not a version number (1, 2, 3 ...)")
    return number


def millis(when: datetime) -> int:
    """Epoch milliseconds, as MLflow's timestamps are."""
    return int(when.timestamp() * 1000)


def page_token(offset: int) -> str:
    """An opaque token for the page that starts at ``offset``."""
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def page_offset(token: str | bytes | None) -> int:
    """The offset a :func:`page_token` holds; 0 for none (the server sends '')."""
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token))
        offset = data["offset"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise UsageError(f"invalid page token {token!r}") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise UsageError(f"invalid page token {token!r}")
    return offset


# -- entities -------------------------------------------------------------------


def model_version(root: Path, config: Config, rm: RegisteredModel, v: Version) -> ModelVersion:
    """A version record as MLflow's ``ModelVersion`` (status READY: the bytes are in when it exists)."""
    run = v.lineage.run
    created = millis(v.created_at)
    return ModelVersion(
        name=rm.name,
        version=str(v.number),
        creation_timestamp=created,
        last_updated_timestamp=created,
        description=v.description,
        user_id=v.created_by,
        current_stage=to_mlflow_stage(config, v.stage),
        source=(run.uri if run and run.uri else None) or artifact_uri(root, rm.name, v.number),
        run_id=run.id if run else None,
        status=READY,
        tags=[ModelVersionTag(str(k), str(val)) for k, val in sorted(v.tags.items())],
        aliases=rm.aliases_of(v.number),
    )


def live_versions(rm: RegisteredModel) -> list[Version]:
    """The versions that are not tombstones, oldest first."""
    return [v for _, v in sorted(rm.versions.items()) if not v.is_deleted]


def latest_per_stage(config: Config, rm: RegisteredModel, stages: Sequence[str] = ()) -> list[Version]:
    """The newest version in each of ``stages`` (registry names; empty: every
    stage), in the registry's stage order: MLflow's ``get_latest_versions``."""
    wanted = set(stages) if stages else set(config.stages)
    newest: dict[str, Version] = {}
    for v in live_versions(rm):
        if v.stage in wanted:
            newest[v.stage] = v
    order = {s: i for i, s in enumerate(config.stages)}
    return [newest[s] for s in sorted(newest, key=lambda s: order.get(s, len(order)))]


def registered_model(root: Path, config: Config, rm: RegisteredModel) -> MlflowModel:
    """A model as MLflow's ``RegisteredModel``: its times are its versions' (first and last)."""
    live = live_versions(rm)
    times = [millis(v.created_at) for v in live]
    return MlflowModel(
        name=rm.name,
        creation_timestamp=min(times) if times else None,
        last_updated_timestamp=max(times) if times else None,
        description=rm.model.description,
        latest_versions=[model_version(root, config, rm, v) for v in latest_per_stage(config, rm)],
        tags=[RegisteredModelTag(str(k), str(val)) for k, val in sorted(rm.model.tags.items())],
        aliases=[RegisteredModelAlias(a, str(n)) for a, n in sorted(rm.model.aliases.items())],
    )
