"""The ``git-registry:`` model-registry store: MLflow's registry calls as the registry's own.

MLflow builds one store per (registry URI, tracking URI) and keeps it for
the life of the process, so the store keeps only where the registry is and
reads it afresh on every call (a new :class:`registry.Registry`: it loads
lazily, one model's folder for one model's calls, and the parse cache makes
that fast). Every write is a ``Registry`` method, so it is one commit through
the registry's write path, checked as ``registry check`` checks it; a gate,
a forbidden transition or a protected alias raises ``MlflowException``
(``INVALID_PARAMETER_VALUE``) with the checker's message, and nothing is written.

What MLflow does in one call and the registry in several commits:
``delete_model_version`` of a version with aliases (each alias removed,
then the deletion). A transition with ``archive_existing_versions`` is one
commit (``promote(archive_others=True)``). A stage that holds one version (production, by
default) archives its previous holder in the move's own commit, also without
``archive_existing_versions``: the registry's rule.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import shutil
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from mlflow.entities.model_registry import ModelVersion, RegisteredModel as MlflowModel
from mlflow.store.entities.paged_list import PagedList
from mlflow.store.model_registry.abstract_store import AbstractStore

from registry import Config, RegisteredModel, Registry, Version, git
from registry.dvc import file_key, has_default_remote
from registry.errors import GitError, NotFound, SearchError, UsageError, WriteRefused
from registry.mlflow import convert
from registry.mlflow.errors import (
    INVALID_PARAMETER_VALUE,
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    MlflowException,
    translated,
)
from registry.mlflow.memo import Memo, Stamp, stamp, stamp_all
from registry.mlflow.uri import artifact_uri, parse_store_uri
from registry.records import valid_name
from registry.search import search
from registry.write.worktree import branch_root

_log = logging.getLogger(__name__)

T = TypeVar("T")

MODELS_PER_PAGE = 100
"""``search_registered_models``' page when MLflow names none (its own default)."""
VERSIONS_PER_PAGE = 10_000
"""``search_model_versions``' page when MLflow names none (its own default)."""
ARTIFACT_NAME = "model"
"""The folder name an MLflow model gets in the registry: ``artifacts/<N>/model``."""
META_FILE = "registered_model_meta"
"""What MLflow writes into a model folder it downloads from a registry: not part of the model."""

_PROMPT_KEY = r"tags?\.`mlflow\.prompt\.is_prompt`"
_NOT_PROMPT = re.compile(rf"(?:\s+AND\s+)?{_PROMPT_KEY}\s*!=\s*'true'", re.I)
_IS_PROMPT = re.compile(rf"{_PROMPT_KEY}\s*=\s*'true'", re.I)
_ONE_MODEL = re.compile(r"\s*name\s*=\s*'([^'\\]*)'\s*", re.I)
_TIME_KEYS = re.compile(r"\A\s*(creation_timestamp|last_updated_timestamp|timestamp)\b", re.I)


def _without_prompts(text: str | None) -> str | None:
    """The filter without the clause MLflow's client adds to leave prompts out;
    None when it asks for prompts, which this registry never holds."""
    text = text or ""
    if _IS_PROMPT.search(text):
        return None
    return _NOT_PROMPT.sub("", text).strip()


def _page(items: Sequence[T], max_results: int | None, token: str | None, default: int) -> PagedList[T]:
    """One page of ``items`` and the token of the next (None after the last)."""
    if max_results is not None and (not isinstance(max_results, int) or max_results < 1):
        raise UsageError(f"max_results must be a whole number of at least 1, not {max_results!r}")
    start = convert.page_offset(token)
    end = start + (max_results or default)
    return PagedList(list(items[start:end]), convert.page_token(end) if end < len(items) else None)


class GitRegistryStore(AbstractStore):
    """MLflow's model registry over a clone of a git registry (``git-registry:///path``)."""

    def __init__(self, store_uri: str | None = None, tracking_uri: str | None = None) -> None:
        super().__init__(store_uri, tracking_uri)
        with translated():
            self._where = parse_store_uri(store_uri or "")
        self._tracking_uri = tracking_uri  # an MlflowClient is made when a call needs one, never here
        self._memo = Memo()
        self._tree: Path | None = None
        self._remote_known: tuple[tuple[tuple[int, ...], ...], bool] | None = None
        self._whole: tuple[Stamp, Registry] | None = None

    @property
    def _root(self) -> Path:
        """The work tree the calls read and write: the clone's, or (``?branch=``)
        the branch's own, made on the first call (``write.worktree``)."""
        if self._tree is None:
            branch = self._where.branch
            found = self._where.root
            if branch is not None:
                found = branch_root(found, branch, self._where.push)
            self._tree = found
        return self._tree

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """A write call: MLflow's errors for the registry's, and (``?push=``)
        the branch pushed afterwards when the call committed."""
        with translated():
            remote = self._where.push
            root = self._root
            yield
            if remote is None:
                return
            branch = self._where.branch or git.current_branch(root)
            if branch is None:
                raise WriteRefused("committed, but HEAD is detached: nothing to push")
            if not git.pushed(root, remote, branch):  # this write's commit, or an earlier one's
                try:
                    git.push_branch(root, branch, remote)
                except GitError as exc:
                    raise WriteRefused(
                        f"committed on {branch}, but pushing it to {remote} failed (the next write "
                        f"pushes it again): {exc}"
                    ) from None

    # -- reading ------------------------------------------------------------------

    def _registry(self) -> Registry:
        return Registry(self._root)

    def _model(self, reg: Registry, name: str) -> RegisteredModel:
        return _live(reg.model(name), name)

    def _kept_model(self, name: str) -> tuple[Config, RegisteredModel]:
        """The model ``name`` and the registry's settings, for a read: from the
        memo while its files are unchanged, else loaded (and kept)."""
        before = stamp(self._root, name) if valid_name(name) else None
        found = self._memo.get(name, before)
        if found is None:
            reg = self._registry()
            rm = reg.model(name)
            found = (reg.config, rm)
            if rm.name == name:  # a former name's lookup read every model: not kept under it
                self._memo.keep(name, before, reg.config, rm)
        return found[0], _live(found[1], name)

    def _kept_registry(self) -> Registry:
        """The whole registry, for a search over every model: kept while no record has changed."""
        before = stamp_all(self._root)
        kept = self._whole
        if before is not None and kept is not None and kept[0] == before:
            return kept[1]
        reg = self._registry()
        reg.models  # noqa: B018 - loaded now, under the stamp taken before
        self._whole = (before, reg) if before is not None else None
        return reg

    def _version(self, reg: Registry, name: str, version: int | str) -> tuple[RegisteredModel, Version]:
        return self._version_of(self._model(reg, name), convert.number_of(version))

    def _version_of(self, rm: RegisteredModel, number: int) -> tuple[RegisteredModel, Version]:
        found = rm.versions.get(number)
        if found is None or found.is_deleted:
            state = "was deleted" if found is not None else "does not exist"
            raise NotFound(f"{rm.name} version {number} {state}")
        return rm, found

    def _entity(self, reg: Registry, rm: RegisteredModel, v: Version) -> ModelVersion:
        return convert.model_version(self._root, reg.config, rm, v)

    def _read_version(self, name: str, version: int | str) -> ModelVersion:
        config, rm = self._kept_model(name)
        rm, v = self._version_of(rm, convert.number_of(version))
        return convert.model_version(self._root, config, rm, v)

    def _read_model(self, name: str) -> MlflowModel:
        config, rm = self._kept_model(name)
        return convert.registered_model(self._root, config, rm)

    def _call(self, work: Callable[[], T]) -> T:
        with translated():
            return work()

    # -- registered models --------------------------------------------------------

    def create_registered_model(
        self,
        name: str,
        tags: Sequence[Any] | None = None,
        description: str | None = None,
        deployment_job_id: str | None = None,
    ) -> MlflowModel:
        with self._writing():
            reg = self._registry()
            try:
                found: RegisteredModel | None = reg.model(name)
            except NotFound:
                found = None
            if found is not None and found.model.deleted is None:
                if found.name != name:
                    raise UsageError(f"model name {name!r} is taken: it is a former name of {found.name}")
                raise MlflowException(
                    f"Registered Model (name={name}) already exists.", error_code=RESOURCE_ALREADY_EXISTS
                )
            reg.create_model(
                name, description=description or None, tags={t.key: str(t.value) for t in tags or ()}
            )
            return self._read_model(name)

    def get_registered_model(self, name: str) -> MlflowModel:
        return self._call(lambda: self._read_model(name))

    def update_registered_model(
        self, name: str, description: str | None, deployment_job_id: str | None = None
    ) -> MlflowModel:
        with self._writing():
            reg = self._registry()
            rm = self._model(reg, name)
            if description is not None and description.rstrip("\n") != rm.model.description.rstrip("\n"):
                reg.describe(rm.name, None, description)
            return self._read_model(rm.name)

    def rename_registered_model(self, name: str, new_name: str) -> MlflowModel:
        with self._writing():
            reg = self._registry()
            rm = self._model(reg, name)
            reg.rename(rm.name, new_name, reason="renamed through MLflow")
            return self._read_model(new_name)

    def delete_registered_model(self, name: str) -> None:
        with self._writing():
            reg = self._registry()
            rm = self._model(reg, name)
            reg.delete(rm.name, reason="deleted through MLflow (delete_registered_model)")

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[MlflowModel]:
        with translated():
            text = _without_prompts(filter_string)
            if text is None:
                return PagedList([], None)
            reg = self._kept_registry()
            models = reg.search_models(text)
            config = reg.config
            keys = [_model_order(item) for item in order_by or ()]
            if keys:
                entities = [convert.registered_model(self._root, config, rm) for rm in models]
                for attr, descending in reversed(keys):
                    entities.sort(key=_sort_key(attr), reverse=descending)
                return _page(entities, max_results, page_token, MODELS_PER_PAGE)
            page = _page(models, max_results, page_token, MODELS_PER_PAGE)
            return PagedList([convert.registered_model(self._root, config, rm) for rm in page], page.token)

    def get_latest_versions(self, name: str, stages: Sequence[str] | None = None) -> list[ModelVersion]:
        with translated():
            config, rm = self._kept_model(name)
            wanted = [convert.from_mlflow_stage(config, s) for s in stages or ()]
            return [
                convert.model_version(self._root, config, rm, v)
                for v in convert.latest_per_stage(config, rm, wanted)
            ]

    def set_registered_model_tag(self, name: str, tag: Any) -> None:
        with self._writing():
            reg = self._registry()
            rm = self._model(reg, name)
            if rm.model.tags.get(tag.key) != str(tag.value):
                reg.set_tag(rm.name, None, tag.key, str(tag.value))

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        with self._writing():
            reg = self._registry()
            rm = self._model(reg, name)
            if key in rm.model.tags:
                reg.delete_tag(rm.name, None, key)

    # -- aliases ------------------------------------------------------------------

    def set_registered_model_alias(self, name: str, alias: str, version: int | str) -> None:
        with self._writing():
            reg = self._registry()
            rm, v = self._version(reg, name, version)
            if rm.model.aliases.get(alias) != v.number:
                reg.set_alias(rm.name, alias, v.number)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        with self._writing():
            reg = self._registry()
            rm = self._model(reg, name)
            if alias in rm.model.aliases:
                reg.delete_alias(rm.name, alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        with translated():
            config, rm = self._kept_model(name)
            number = rm.model.aliases.get(alias)
            if number is None and alias.lower() == "latest":
                newest = rm.latest()
                if newest is None:
                    raise NotFound(f"{rm.name} has no versions, so no @latest")
                number = newest.number
            if number is None:
                have = ", ".join(sorted(rm.model.aliases)) or "none"
                raise NotFound(f"{rm.name} has no alias {alias!r} (its aliases: {have})")
            rm, v = self._version_of(rm, number)
            return convert.model_version(self._root, config, rm, v)

    # -- model versions -----------------------------------------------------------

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: Sequence[Any] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        local_model_path: str | None = None,
        model_id: str | None = None,
    ) -> ModelVersion:
        with self._writing():
            run_id = run_id or self._run_of_logged_model(model_id or _logged_model_id(source))
            metrics, params = self._run_values(run_id)
            scratch = Path(tempfile.mkdtemp(prefix="registry-mlflow-"))
            try:
                folder = self._model_folder(source, local_model_path, scratch)
                lineage: dict[str, Any] | None = None
                if run_id:
                    lineage = {"run": {"id": run_id, "uri": source} if source else {"id": run_id}}
                version = self._registry().register(
                    name,
                    folder,
                    metrics=metrics,
                    params=params,
                    tags={t.key: str(t.value) for t in tags or ()},
                    description=description or None,
                    lineage=lineage,
                    upload=self._shares_bytes(),
                )
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            return self._read_version(name, version.number)

    def _shares_bytes(self) -> bool:
        """Whether a new version's bytes go to the DVC remote: when the registry
        has a default remote. A job that registers through MLflow expects every
        other clone to load what it registered, so the bytes are pushed before
        the commit, and a failed push registers nothing."""
        key = tuple(file_key(self._root / ".dvc" / name) for name in ("config", "config.local"))
        known = self._remote_known
        if known is None or known[0] != key:  # asked again when DVC's config files change
            known = self._remote_known = (key, has_default_remote(self._root))
        return known[1]

    def _run_of_logged_model(self, model_id: str | None) -> str | None:
        """The run that logged the model ``model_id`` (MLflow 3's ``log_model`` names no run)."""
        if not model_id:
            return None
        from mlflow.tracking import MlflowClient

        run: str | None = (
            MlflowClient(tracking_uri=self._tracking_uri).get_logged_model(model_id).source_run_id
        )
        return run

    def _run_values(self, run_id: str | None) -> tuple[dict[str, float], dict[str, Any]]:
        """The run's metrics (the finite ones) and params, from the tracking store."""
        if not run_id:
            return {}, {}
        from mlflow.tracking import MlflowClient

        try:
            run = MlflowClient(tracking_uri=self._tracking_uri).get_run(run_id)
        except MlflowException as exc:
            _log.warning(
                "run %s is not in the tracking store (%s): no metrics or params recorded", run_id, exc
            )
            return {}, {}
        metrics = {k: float(v) for k, v in run.data.metrics.items() if math.isfinite(v)}
        return metrics, dict(run.data.params)

    def _model_folder(self, source: str, local_model_path: str | None, scratch: Path) -> Path:
        """The model's files, in ``scratch/model``: from ``local_model_path`` when
        MLflow has them on disk, else downloaded from ``source``; never MLflow's
        ``registered_model_meta``."""
        target = scratch / ARTIFACT_NAME
        if local_model_path:
            got = Path(local_model_path)
        else:
            import mlflow.artifacts

            downloaded = scratch / "download"
            downloaded.mkdir()
            got = Path(
                mlflow.artifacts.download_artifacts(
                    artifact_uri=source, dst_path=str(downloaded), tracking_uri=self._tracking_uri
                )
            )
        if got.is_dir():
            shutil.copytree(got, target, ignore=shutil.ignore_patterns(META_FILE))
            return target
        if got.is_file():
            return got
        raise UsageError(f"{source}: MLflow found no model files there")

    def update_model_version(self, name: str, version: int | str, description: str | None) -> ModelVersion:
        with self._writing():
            reg = self._registry()
            rm, v = self._version(reg, name, version)
            if description is not None and description.rstrip("\n") != v.description.rstrip("\n"):
                reg.describe(rm.name, v.number, description)
            return self._read_version(rm.name, v.number)

    def transition_model_version_stage(
        self, name: str, version: int | str, stage: str, archive_existing_versions: bool = False
    ) -> ModelVersion:
        with self._writing():
            reg = self._registry()
            rm, v = self._version(reg, name, version)
            config = reg.config
            target = convert.from_mlflow_stage(config, stage)
            others = archive_existing_versions and target != config.archive_stage
            if v.stage != target:
                reg.promote(
                    rm.name, v.number, target, reason=f"MLflow: transition to {stage}", archive_others=others
                )
            elif others and any(o.number != v.number for o in rm.in_stage(target)):
                for other in rm.in_stage(target):  # already there: archive the others, one commit each
                    if other.number != v.number:
                        reg.archive(
                            rm.name,
                            other.number,
                            reason=f"MLflow: archive_existing_versions (v{v.number} is in {stage})",
                        )
            return self._read_version(rm.name, v.number)

    def delete_model_version(self, name: str, version: int | str) -> None:
        with self._writing():
            reg = self._registry()
            rm, v = self._version(reg, name, version)
            for alias in rm.aliases_of(v.number):  # MLflow deletes regardless; the registry asks first
                reg.delete_alias(rm.name, alias)
            reg.delete(rm.name, v.number, reason="deleted through MLflow (delete_model_version)")

    def get_model_version(self, name: str, version: int | str) -> ModelVersion:
        return self._call(lambda: self._read_version(name, version))

    def get_model_version_download_uri(self, name: str, version: int | str) -> str:
        with translated():
            rm, v = self._version_of(self._kept_model(name)[1], convert.number_of(version))
            return artifact_uri(self._root, rm.name, v.number)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        with translated():
            text = _without_prompts(filter_string)
            if text is None:
                return PagedList([], None)
            order = [_version_order(item) for item in order_by or ()]
            one = _ONE_MODEL.fullmatch(text)
            if one is not None and valid_name(one[1]):  # the UI's and most clients' query: one model's folder
                try:
                    config, rm = self._kept_model(one[1])
                except NotFound:  # no such model, or a deleted one: no versions, as a search says
                    return PagedList([], None)
                hits = [v for _, v in search({rm.name: rm}, text, order)]
                page = _page(hits, max_results, page_token, VERSIONS_PER_PAGE)
                return PagedList([convert.model_version(self._root, config, rm, v) for v in page], page.token)
            reg = self._kept_registry()
            try:
                found = reg.search(text, order)
            except SearchError as exc:
                if re.search(r"unknown attribute '(source|source_path|user_id)'", str(exc)):
                    raise UsageError(
                        f"{exc}\n(the registry keeps MLflow's source in lineage.run.uri and does not "
                        "search it; search by name, version_number, run_id, tags.<key>, metrics.<key>, "
                        "params.<key>, stage, alias or created_at)"
                    ) from None
                raise
            page = _page(found, max_results, page_token, VERSIONS_PER_PAGE)
            models = reg.models
            return PagedList([self._entity(reg, models[v.model], v) for v in page], page.token)

    def set_model_version_tag(self, name: str, version: int | str, tag: Any) -> None:
        with self._writing():
            reg = self._registry()
            rm, v = self._version(reg, name, version)
            if v.tags.get(tag.key) != str(tag.value):
                reg.set_tag(rm.name, v.number, tag.key, str(tag.value))

    def delete_model_version_tag(self, name: str, version: int | str, key: str) -> None:
        with self._writing():
            reg = self._registry()
            rm, v = self._version(reg, name, version)
            if key in v.tags:
                reg.delete_tag(rm.name, v.number, key)

    def copy_model_version(self, src_mv: ModelVersion, dst_name: str) -> ModelVersion:
        """The registry's ``copy``: the bytes verified, provenance in ``lineage.copied_from``."""
        with self._writing():
            made = self._registry().copy(f"models:/{src_mv.name}/{src_mv.version}", dst_name)
            return self._read_version(dst_name, made.number)

    # -- webhooks: none (a git registry's hooks are its CI) ------------------------

    def list_webhooks(self, max_results: int | None = None, page_token: str | None = None) -> PagedList[Any]:
        return PagedList([], None)

    def list_webhooks_by_event(
        self, event: Any, max_results: int | None = None, page_token: str | None = None
    ) -> PagedList[Any]:
        return PagedList([], None)

    def create_webhook(self, *args: Any, **kwargs: Any) -> Any:
        raise MlflowException(
            "a git registry has no webhooks: run what should follow a change in the repository's CI",
            error_code=INVALID_PARAMETER_VALUE,
        )

    def get_webhook(self, webhook_id: str) -> Any:
        raise MlflowException(f"no webhook {webhook_id!r}: a git registry has none", RESOURCE_DOES_NOT_EXIST)

    def update_webhook(self, webhook_id: str, *args: Any, **kwargs: Any) -> Any:
        return self.get_webhook(webhook_id)

    def delete_webhook(self, webhook_id: str) -> None:
        self.get_webhook(webhook_id)

    def test_webhook(self, webhook_id: str, event: Any = None) -> Any:
        return self.get_webhook(webhook_id)


def _live(rm: RegisteredModel, name: str) -> RegisteredModel:
    """``rm``, unless it is a deleted model's tombstone."""
    gone = rm.model.deleted
    if gone is not None:
        raise NotFound(f"model {name!r} was {gone}")
    return rm


def _logged_model_id(source: str) -> str | None:
    """``m-<id>`` of a ``models:/m-<id>`` source (a logged model, as MLflow 3's ``log_model`` passes)."""
    parsed = urllib.parse.urlsplit(source or "")
    if parsed.scheme == "models" and re.fullmatch(r"/m-[0-9a-f]+", parsed.path):
        return parsed.path[1:]
    return None


def _model_order(item: str) -> tuple[str, bool]:
    """An order_by clause of ``search_registered_models`` as (entity attribute, descending)."""
    words = item.split()
    key = words[0].lower() if words else ""
    attrs = {"name": "name", "creation_timestamp": "creation_timestamp", "timestamp": "creation_timestamp"}
    attrs["last_updated_timestamp"] = "last_updated_timestamp"
    if key not in attrs or len(words) > 2 or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
        raise UsageError(
            f"cannot order models by {item!r}: use name, creation_timestamp or last_updated_timestamp, "
            "each with ASC or DESC"
        )
    return attrs[key], len(words) == 2 and words[1].upper() == "DESC"


def _sort_key(attr: str) -> Callable[[MlflowModel], Any]:
    """The sort key of a model entity by ``attr`` (a missing time sorts as 0)."""
    return lambda m: getattr(m, attr) or 0


def _version_order(item: str) -> str:
    """An order_by clause of ``search_model_versions`` in the registry's terms (the times are ``created_at``)."""
    return _TIME_KEYS.sub("created_at", item)
