"""A git-native model registry: YAML records in git, artifacts in DVC.

>>> from registry import Registry
>>> reg = Registry(".")
>>> reg.get("models:/fraud-detector@champion").number
>>> version = reg.register("fraud-detector", "model.onnx", metrics={"f1": 0.91}, push=True)  # bytes and commit
>>> reg.promote("fraud-detector", version.number, "staging", reason="nightly candidate")

Each change is one commit, made by the function of the same name in
:mod:`registry.write`; the methods take that function's arguments, less the
registry's root. Every error is a :class:`registry.errors.RegistryError`.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry.errors import RegistryError
from registry.records import Config, Model, RegisteredModel, Version

if TYPE_CHECKING:
    from registry.load import LoadedRegistry
    from registry.traffic import Route
    from registry.write.delete import Deleted

__all__ = ["Config", "Model", "RegisteredModel", "Registry", "Version"]
__version__ = "0.1.0"


class Registry:
    """The registry at ``path`` (a work tree), or as it was at git revision
    ``rev``, or at the moment ``at`` on the current branch (or ``rev``), as
    ``--at`` reads it: ``"2026-03-01T09:00Z"``, ``"yesterday"``,
    ``"2 hours ago"``, ``"-2h"`` or a ``datetime``.

    Reads load what they need on first use. Changes (:meth:`register`,
    :meth:`promote`, ...) are one commit each, checked as ``registry check``
    checks a pull request, and are made to the work tree: a Registry made
    with ``rev`` or ``at`` only reads.

    Every change takes ``branch`` and ``push``:

    - ``branch`` None commits on the current branch; True commits on a new
      branch named after the change (``registry/promote-scorer-v2-to-production``),
      a string on a new branch of that name. The work tree and the current
      branch are then left exactly as they were.
    - ``push`` pushes the branch committed to (to its upstream, or ``origin``) afterwards.

    and may raise, besides the errors each method names:

    - ``UsageError``: this Registry reads a revision, or a name or branch
      name is not valid.
    - ``WriteRefused``: the change was not made and nothing changed (the
      records of the model have problems to fix first, uncommitted edits of
      the files it would write, git in the middle of a merge, a branch that
      exists already, a result that would fail ``registry check``).
    - ``LockTimeout``: another registry write held the repository's lock
      for longer than ``REGISTRY_LOCK_TIMEOUT`` seconds (default 60).
    - ``GitError``: git refused (a hook, a rejected push).
    - ``Unfinished``: the commit was made, but the work tree could not be
      brought to it; the next registry command finishes it.
    """

    def __init__(
        self, path: str | Path = ".", rev: str | None = None, at: str | datetime | None = None
    ) -> None:
        self._root = Path(path)
        if at is not None:  # as --at: the commit of the branch (or rev) current then
            from registry.refs import rev_at

            rev = rev_at(self._root, at, rev)
        self._rev = rev
        self._whole: LoadedRegistry | None = None
        self._one: LoadedRegistry | None = None  # the last one-model load (its config is the registry's)

    @property
    def _loaded(self) -> LoadedRegistry:
        """The whole registry, loaded on first need (``get`` and ``pull`` need one model only)."""
        if self._whole is None:
            from registry.load import load

            self._readable()
            self._whole = load(self._root, self._rev)
        return self._whole

    def _readable(self) -> None:
        """Refuse to read a folder that holds no registry, as the command line
        does, rather than answer that it has no such model."""
        from registry.errors import NotFound
        from registry.load import is_registry

        if self._rev is None and not is_registry(self._root):
            raise NotFound(
                f"no registry in {self._root.resolve()}: it has neither registry.yaml nor models/ "
                "(`registry init` makes one; a first register makes models/)"
            )

    @property
    def models(self) -> dict[str, RegisteredModel]:
        """Every model, with its versions, by name."""
        return self._loaded.models

    @property
    def config(self) -> Config:
        """The registry's settings (``registry.yaml``): stages, transitions, policy."""
        return (self._whole or self._one or self._loaded).config

    # -- reads -----------------------------------------------------------------

    def model(self, name: str) -> RegisteredModel:
        """The model called ``name`` (now, or before a rename), with its versions.

        Args:
            name: the model's name, or one of its ``former_names``.

        Returns:
            The model and its versions.

        Raises:
            NotFound: no model has or had that name.
        """
        from registry.records import valid_name
        from registry.refs import Ref, find_model, load_for

        if self._whole is None and valid_name(name):  # only that model's folder (a former name: all)
            self._one = load_for(self._root, Ref(name), self._rev)
            return find_model(self._one, name)
        return find_model(self._loaded, name)

    def search_models(self, filter_text: str = "") -> list[RegisteredModel]:
        """The models that match a filter over their own attributes, in name order.

        Args:
            filter_text: e.g. ``"name LIKE 'fraud-%' AND tags.domain = 'payments'"``:
                ``name``, ``tags.<key>`` (the model's own tags) and ``alias``,
                with the grammar of :meth:`search`. Empty: every model.
                Deleted models are not found.

        Returns:
            The matching models, with their versions.

        Raises:
            SearchError: a malformed filter, or one naming an attribute of
                versions (``stage``, ``metrics.<key>``...) (a UsageError).
        """
        from registry.search import search_models

        return search_models(self._loaded.models, filter_text)

    def search(
        self, filter_text: str = "", order_by: list[str] | None = None, max_results: int | None = None
    ) -> list[Version]:
        """The versions that match an MLflow-style filter.

        Args:
            filter_text: e.g. ``"metrics.f1 > 0.9 AND stage = 'production'"``;
                beyond MLflow also ``OR``, ``NOT``, parentheses, ``alias`` and
                ``created_at`` (see :mod:`registry.search`). Empty: every version.
            order_by: keys such as ``"metrics.f1 DESC"``; ties, and everything
                without keys, in name order and newest version first.
            max_results: return at most this many versions.

        Returns:
            The matching versions, in that order.

        Raises:
            SearchError: a malformed filter or order-by clause, or
                ``max_results`` below 1 (a UsageError).
        """
        from registry.search import search

        loaded = self._loaded
        return [
            v
            for _, v in search(loaded.models, filter_text, order_by or [], max_results, loaded.config.stages)
        ]

    def get(self, ref: str) -> Version:
        """The version a reference names.

        Args:
            ref: ``models:/name@alias``, ``models:/name/3``,
                ``models:/name/production`` (or ``latest``), or the short
                forms ``name@alias``, ``name/3``, ``name:production``.

        Returns:
            The version's record.

        Raises:
            UsageError: ``ref`` is malformed, or names a model but no version.
            NotFound: the model, version or alias does not exist, or no
                version is in that stage.
        """
        from registry.errors import UsageError
        from registry.refs import load_for, parse_ref, resolve

        parsed = parse_ref(ref)
        self._readable()
        loaded = self._whole or load_for(self._root, parsed, self._rev)
        _rm, version = resolve(loaded, parsed)
        if version is None:
            raise UsageError(f"{ref!r} names a model, not a version: add /N, @alias or :stage")
        return version

    def route(self, model: str, key: str) -> Route:
        """The variant of ``model``'s traffic split that request ``key`` gets.

        Deterministic, so serving code needs no random numbers: ``key`` (a
        user id, a session id) is hashed with the model's name to a bucket
        0..99 (the first 8 bytes of SHA-256 of ``"<model>\\0<key>"``,
        big-endian, modulo 100), and the split's aliases, in name order,
        take consecutive ranges of buckets as wide as their shares. The same
        key always gets the same variant while the split is unchanged; when
        shares change, only the keys in the buckets that change hands get
        another variant. The split is the one this Registry read (it reads
        once): make a new Registry to see later commits.

        Args:
            model: the model's name (or a former name; the bucket uses its
                current name).
            key: what identifies the request's user or session.

        Returns:
            A :class:`registry.traffic.Route`: ``alias``, ``version``,
            ``share`` (percent) and ``bucket``.

        Raises:
            NotFound: the model does not exist or has no traffic split.
        """
        from registry.refs import find_model
        from registry.traffic import route

        return route(find_model(self._loaded, model), key)

    def pull(
        self, ref: str, dest: Path | str | None = None, file: str | None = None, *, worktree: bool = True
    ) -> Path:
        """Fetch a version's artifact through DVC, verified against its record.

        The record and its ``.dvc`` pointer are read from the work tree;
        the bytes come from DVC's cache or its default remote, are checked
        against the record's md5 and size, and only then are put at the
        artifact's path in the work tree (and at ``dest``).

        Args:
            ref: the version, as :meth:`get` takes it.
            dest: also put the artifact here: a file, or a folder to put it in.
            file: only this file of a folder artifact (its path inside the
                folder, e.g. ``"config.json"``), put at ``dest`` alone.
            worktree: also put the artifact at its work-tree path (the
                default); False puts it at ``dest`` only and leaves the work
                tree as it was.

        Returns:
            Where the verified file is: ``dest``'s file, else the work-tree path.

        Raises:
            UsageError: ``ref`` is malformed or names no version; ``file``
                or ``worktree=False`` without ``dest``, or a file the folder does not hold.
            NotFound: the model, version or alias does not exist.
            PointerRefused: the ``.dvc`` pointer breaks a rule of ``registry check``.
            ArtifactMismatch: the bytes are not the record's (a corrupt cache
                or remote object, or the remote lacks it); nothing was written.
            DestinationError: a destination that cannot take the file.
            DvcError: DVC is missing or failed.
        """
        from registry.pull import pull

        self._readable()
        return pull(self._root, ref, dest, file, worktree=worktree)

    # -- changes: each is one commit (see registry.write) -------------------------

    def _writable(self) -> Path:
        if self._rev is not None:
            from registry.errors import UsageError

            raise UsageError(f"this Registry reads revision {self._rev}; changes are made to the work tree")
        self._whole = self._one = None  # what was loaded is about to be out of date
        return self._root

    def create_model(
        self,
        name: str,
        *,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Create a model with no versions yet (its ``model.yaml``), in one commit.

        As MLflow's ``create_registered_model``; :meth:`register` also makes
        the model on first use.

        Args:
            name: the model's name (lowercase letters, digits, ``.``, ``_``
                and ``-``, at most 64 characters).
            description: Markdown.
            tags: the model's tags.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            UsageError: ``name`` is not a valid model name.
            WriteRefused: the name is taken: by a model, as a former name, or
                by a deleted model (take it back with :meth:`restore`); and as
                every change, with LockTimeout, GitError, Unfinished (see :class:`Registry`).
        """
        from registry import write

        return write.create_model(
            self._writable(), name, description=description, tags=tags, branch=branch, push=push
        )

    def register(
        self,
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
    ) -> Version:
        """Register ``artifact`` as the next version of ``model``, in one commit.

        The model is made on first use. The file or folder is put in DVC's
        cache and at ``models/<model>/artifacts/<N>/`` beside its ``.dvc``
        pointer (a folder as one output, as ``dvc add`` makes it), the record
        gets DVC's md5 and size (and a folder's file count), and the result is
        checked before it is committed. An MLflow model folder's ``MLmodel``
        gives ``artifact.format`` (flavors, MLflow and Python versions), the
        signature and the run; a Hugging Face ``config.json`` the model type
        and architectures. Neither library is imported.

        Args:
            model: the model's name (lowercase letters, digits, ``.``, ``_``
                and ``-``, at most 64 characters).
            artifact: the file or folder to register (an ONNX file, a pickle,
                an MLflow model folder, a Hugging Face checkpoint...).
            metrics: numbers to record, e.g. ``{"f1": 0.91}``.
            params: the training parameters (numbers, text, booleans).
            tags: the version's tags.
            description: Markdown.
            parents: the versions this one was fine-tuned from, as (model, N).
            data: the datasets: a path in this repository (DVC-tracked or
                not), a local file elsewhere (hashed where it is), a URL
                (``s3://bucket/train.parquet``, ``hf://datasets/org/name``), any
                of them with ``,md5=...,etag=...,version=...,name=...``; or a
                mapping of those keys, with ``repo``, ``path`` and ``rev`` for
                a file of a DVC or git data registry.
            code_dir: the training code's git checkout; its HEAD and origin
                become the lineage's code commit and repository (unless it is
                this repository).
            code_commit: the training code's commit, instead of ``code_dir``'s HEAD.
            code_repo: the training code's repository URL.
            code_path: the training script, inside the code repository.
            run_id: the training run (an MLflow run id, say; default: an
                MLflow model folder's ``run_id``).
            signature: the inputs and outputs, as the record holds them
                (``{"inputs": [{"name": "x", "type": "double"}], ...}``);
                default: an MLflow model folder's signature.
            lineage: the whole lineage to record, as the record holds it
                (``{"code": {...}, "data": [...], "run": {...}, "parents": [...]}``),
                instead of the one the arguments above make: for a record that
                comes from elsewhere (an import, a copy).
            bump: for a model with ``versioning: semver``: ``"major"``,
                ``"minor"`` or ``"patch"``, the part of the latest semver to
                raise. Default: what the signature needs against the previous
                one (an input or output removed or retyped: major; inputs
                added: minor; else patch); the first version is 1.0.0. A patch
                or minor bump whose signature breaks the previous one is refused.
            semver: the semver itself (``"2.0.0"``), instead of ``bump``; for
                a new model, it makes the model a semver model.
            stage: the version's first stage (default: the registry's first
                stage); transitions apply.
            push: publish the version: upload the artifact to the DVC
                remote, then push the branch to its upstream (origin, made its
                upstream, when it has none), so other clones can load it.
            upload: upload the artifact to the DVC remote only, not the commit.
            require_clean: refuse training code (``code_dir``) that differs
                from its commit; without it such code is recorded with
                ``dirty: true`` and the changes' digest, and a warning.
            branch: None to commit on the current branch; True for a new
                branch named after the change, or a string for a new branch
                of that name. The work tree is then left alone and the bytes
                go to DVC's cache only.
            reuse_name: take the name of a deleted model again (its
                tombstone loses ``deleted``; the new version is numbered after
                the deleted ones). Without it, registering into a deleted model
                is refused.

        Returns:
            The new version, read from the commit made (also on a new branch).

        Raises:
            UsageError: an invalid model name, no such file, a record that
                would be invalid, ``bump`` or ``semver`` for a model without
                semantic versions (or both), or this Registry reads a revision.
            WriteRefused: ``bump`` or ``semver`` too small for a signature that
                breaks the previous one's.
            WriteRefused, LockTimeout, GitError, Unfinished: as every change
                (see :class:`Registry`).
            DvcError: DVC is missing, or failed (``push`` or ``upload`` without a remote).
        """
        from registry import write

        commit, number = write.register(
            self._writable(),
            model,
            artifact,
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
            push=push,
            branch=branch,
            lineage=lineage,
            bump=bump,
            semver=semver,
            reuse_name=reuse_name,
            upload=upload,
            require_clean=require_clean,
        )
        return Registry(self._root, commit).get(f"models:/{model}/{number}")  # also when on a new branch

    def copy(
        self,
        source: str,
        model: str,
        *,
        to: Path | str | None = None,
        push: bool = False,
        branch: str | bool | None = None,
    ) -> Version:
        """Register a version's artifact again, as the next version of ``model``.

        As MLflow's ``copy_model_version`` and a promotion across
        environments: the bytes are the source's, fetched and verified as
        :meth:`pull` does; the new record keeps the source's metrics, params,
        tags, description, signature and lineage, and names its origin in
        ``lineage.copied_from`` (model, version, the commit it was read at
        and, for another registry, where that is). Within one registry the
        source is also its ``lineage.parents``.

        Args:
            source: the version, as :meth:`get` takes it (``models:/x@champion``).
            model: the model to register it as (made on first use).
            to: another registry's root, to copy into (default: this one).
            push: upload the artifact to the target's DVC remote.
            branch: as for :meth:`register`.

        Returns:
            The new version.

        Raises:
            UsageError, NotFound: ``source`` names no version.
            ArtifactMismatch, DvcError: the source's bytes cannot be fetched.
            WriteRefused, LockTimeout, GitError: as every change.
        """
        from registry import write

        commit, number = write.copy(self._writable(), source, model, to=to, push=push, branch=branch)
        return Registry(to if to is not None else self._root, commit).get(f"models:/{model}/{number}")

    def delete(
        self,
        model: str,
        version: int | None = None,
        *,
        reason: str,
        purge: bool = False,
        redact: bool = False,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> Deleted:
        """Delete a version (or, with no ``version``, a whole model), leaving a tombstone.

        MLflow's ``delete_model_version`` and ``delete_registered_model``,
        with an audit trail: the record stays, with ``deleted: {at, by,
        reason}``, in the archive stage; its ``.dvc`` pointer and the bytes
        in the work tree go. Numbers are never reused. A deleted model keeps
        a tombstone ``model.yaml`` and loses its aliases; its name comes
        back only with :meth:`restore` or ``register(..., reuse_name=True)``.
        Git's history still holds the old record text (the README says how
        to rewrite it when the law requires).

        Args:
            model: the model's name.
            version: the version's number; None deletes the model.
            reason: why; kept in the tombstone and the commit.
            purge: also remove the artifact's bytes from the DVC cache and the
                default remote: the objects no other version of the registry
                names. On what is already deleted, only this is done.
            redact: also remove the description, tags, metrics, params,
                signature and lineage from the tombstone.
            branch: where the commit goes (see :class:`Registry`); not with ``purge``.
            push: push the branch afterwards.

        Returns:
            What was done: the commit, the versions, the objects purged.

        Raises:
            UsageError: no reason, or ``purge`` with ``branch``.
            NotFound: the model or version does not exist.
            WriteRefused: an alias points at the version, or it is deleted
                already (without ``purge``); and as every change, with
                LockTimeout, GitError, Unfinished (see :class:`Registry`).
            DvcError: the purge failed (the deletion is committed; run it again).
        """
        from registry import write

        return write.delete(
            self._writable(),
            model,
            version,
            reason=reason,
            purge=purge,
            redact=redact,
            branch=branch,
            push=push,
        )

    def restore(
        self,
        model: str,
        *,
        reason: str | None = None,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Take a deleted model's name back, in one commit.

        Its tombstone ``model.yaml`` loses ``deleted``; its deleted versions
        stay tombstones, and the next version registered is numbered after them.

        Args:
            model: the deleted model's name.
            reason: why; recorded in the commit's ``Reason`` trailer.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            NotFound: no such model.
            WriteRefused: the model is not deleted; and as every change.
        """
        from registry import write

        return write.restore(self._writable(), model, reason=reason, branch=branch, push=push)

    def promote(
        self,
        model: str,
        version: int,
        stage: str,
        *,
        reason: str | None = None,
        archive_others: bool = False,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Move a version to ``stage``, in one commit.

        The transition must be allowed and the stage's gate must hold.
        When the stage holds one version (production, by default), its
        previous holder is archived in the same commit and the protected
        aliases that pointed at it move to this version.

        Args:
            model: the model's name.
            version: the version's number.
            stage: one of the registry's stages.
            reason: why; recorded in the commit's ``Reason`` trailer.
            archive_others: also archive every other version in ``stage``,
                in the same commit (MLflow's ``archive_existing_versions``).
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            UsageError: ``stage`` is not a stage of this registry (or is the
                archive stage, with ``archive_others``).
            NotFound: the model or version does not exist.
            WriteRefused: the version is in ``stage`` already, the transition
                is not allowed, or the gate does not hold; and as every
                change, with LockTimeout, GitError, Unfinished (see :class:`Registry`).
        """
        from registry import write

        return write.promote(
            self._writable(),
            model,
            version,
            stage,
            reason=reason,
            archive_others=archive_others,
            branch=branch,
            push=push,
        )

    def archive(
        self,
        model: str,
        version: int,
        *,
        reason: str | None = None,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Move a version to the registry's archive stage, in one commit.

        Args:
            model: the model's name.
            version: the version's number.
            reason: why; recorded in the commit's ``Reason`` trailer.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            NotFound: the model or version does not exist.
            WriteRefused: it is archived already, or may not go there from its
                stage; and as every change, with LockTimeout, GitError,
                Unfinished (see :class:`Registry`).
        """
        from registry import write

        return write.archive(self._writable(), model, version, reason=reason, branch=branch, push=push)

    def rollback(
        self,
        model: str,
        *,
        to: int | None = None,
        stage: str | None = None,
        reason: str | None = None,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Put back the version that held ``stage`` before the current one, in one commit.

        The current holder is archived and the protected aliases follow. A
        version may return from the archive stage only to a stage it held
        before; the stage's gate still applies.

        Args:
            model: the model's name.
            to: the version to put back (default: the previous holder, found
                in the history of HEAD).
            stage: the stage to roll back; by default the live stage
                (``Config.live_stage``: production unless registry.yaml says otherwise).
            reason: why; recorded in the commit's ``Reason`` trailer.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            UsageError: ``stage`` is not a stage of this registry.
            NotFound: the model or version ``to`` does not exist.
            WriteRefused: no earlier holder in the history, ``to`` holds the
                stage already, or its gate does not hold; and as every
                change, with LockTimeout, GitError, Unfinished (see :class:`Registry`).
        """
        from registry import write

        return write.rollback(
            self._writable(), model, to=to, stage=stage, reason=reason, branch=branch, push=push
        )

    def set_alias(
        self, model: str, alias: str, version: int, *, branch: str | bool | None = None, push: bool = False
    ) -> str:
        """Point ``alias`` of ``model`` at a version, in one commit.

        Args:
            model: the model's name.
            alias: the alias (``champion``, ``challenger``...: lowercase
                letters, digits, ``_`` and ``-``).
            version: the version's number.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            UsageError: ``alias`` is not a valid alias name.
            NotFound: the model or version does not exist.
            WriteRefused: the alias points there already, or the alias is
                protected and its gate does not hold for the version; and as
                every change, with LockTimeout, GitError, Unfinished (see :class:`Registry`).
        """
        from registry import write

        return write.set_alias(self._writable(), model, alias, version, branch=branch, push=push)

    def delete_alias(
        self, model: str, alias: str, *, branch: str | bool | None = None, push: bool = False
    ) -> str:
        """Remove ``alias`` from ``model``, in one commit.

        Args:
            model: the model's name.
            alias: the alias to remove.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            NotFound: the model does not exist or has no such alias.
            WriteRefused, LockTimeout, GitError, Unfinished: as every change
                (see :class:`Registry`).
        """
        from registry import write

        return write.delete_alias(self._writable(), model, alias, branch=branch, push=push)

    def set_traffic(
        self,
        model: str,
        shares: Mapping[str, int],
        *,
        reason: str | None = None,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Split ``model``'s requests between its aliases (an A/B test), in one commit.

        The split is written to ``model.yaml``'s ``traffic`` and replaces any
        split before it; :meth:`route` then picks a variant per request.

        Args:
            model: the model's name.
            shares: alias -> whole percent, summing to 100, e.g.
                ``{"champion": 90, "challenger": 10}``.
            reason: why; recorded in the commit's ``Reason`` trailer.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            UsageError: an alias name that is not valid, or a share that is
                not a whole number from 1 to 100.
            NotFound: the model does not exist.
            WriteRefused: the shares do not sum to 100, an alias does not
                exist or points at an archived version, a version outside
                the live stage would hold more than the policy's
                ``traffic.max_challenger``, or the split is that already;
                and as every change, with LockTimeout, GitError, Unfinished
                (see :class:`Registry`).
        """
        from registry import write

        return write.set_traffic(self._writable(), model, shares, reason=reason, branch=branch, push=push)

    def clear_traffic(
        self,
        model: str,
        *,
        reason: str | None = None,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Remove ``model``'s traffic split, in one commit.

        Args:
            model: the model's name.
            reason: why; recorded in the commit's ``Reason`` trailer.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            NotFound: the model does not exist.
            WriteRefused: the model has no split; and as every change, with
                LockTimeout, GitError, Unfinished (see :class:`Registry`).
        """
        from registry import write

        return write.clear_traffic(self._writable(), model, reason=reason, branch=branch, push=push)

    def set_tag(
        self,
        model: str,
        version: int | None,
        key: str,
        value: str,
        *,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Set tag ``key`` to ``value`` on a model or one of its versions, in one commit.

        Args:
            model: the model's name.
            version: the version's number; None tags the model itself.
            key: the tag's name.
            value: its value.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            NotFound: the model or version does not exist.
            WriteRefused: the tag has that value already; and as every
                change, with LockTimeout, GitError, Unfinished (see :class:`Registry`).
        """
        from registry import write

        return write.set_tag(self._writable(), model, version, key, value, branch=branch, push=push)

    def delete_tag(
        self,
        model: str,
        version: int | None,
        key: str,
        *,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Remove tag ``key`` from a model or one of its versions, in one commit.

        Args:
            model: the model's name.
            version: the version's number; None for the model's own tag.
            key: the tag's name.
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            NotFound: the model, the version or the tag does not exist.
            WriteRefused, LockTimeout, GitError, Unfinished: as every change
                (see :class:`Registry`).
        """
        from registry import write

        return write.delete_tag(self._writable(), model, version, key, branch=branch, push=push)

    def describe(
        self,
        model: str,
        version: int | None,
        text: str,
        *,
        branch: str | bool | None = None,
        push: bool = False,
    ) -> str:
        """Replace the Markdown description of a model or one of its versions, in one commit.

        Args:
            model: the model's name.
            version: the version's number; None describes the model itself.
            text: the new description (Markdown).
            branch: where the commit goes (see :class:`Registry`).
            push: push the branch afterwards.

        Returns:
            The commit's id.

        Raises:
            NotFound: the model or version does not exist.
            WriteRefused: the description is that text already; and as every
                change, with LockTimeout, GitError, Unfinished (see :class:`Registry`).
        """
        from registry import write

        return write.describe(self._writable(), model, version, text, branch=branch, push=push)

    def rename(self, old: str, new: str, *, reason: str | None = None) -> str:
        """Rename model ``old`` to ``new`` (its folder moves), in one commit.

        ``old`` goes into the model's ``former_names``, so ``models:/old@champion``
        and other models' lineage that names it keep resolving.

        Args:
            old: the model's name.
            new: its new name.
            reason: why; recorded in the commit's ``Reason`` trailer.

        Returns:
            The commit's id.

        Raises:
            UsageError: either name is not a valid model name.
            NotFound: no model is called ``old``.
            WriteRefused: ``new`` is taken (also as a former name), or the
                model's records have problems to fix first; and as every
                change, with LockTimeout, GitError, Unfinished (see :class:`Registry`).
        """
        from registry import write

        return write.rename(self._writable(), old, new, reason=reason)


_OPTION = re.compile(
    r"(?<![\w-])--([a-z][a-z0-9-]*)(?: (?!(?:or|and|not|to|is|with|for|in|if)\b)([\w./@:+=,-]*[\w./@+=,-]))?"
)


def _in_python_terms(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method``, whose errors name its arguments as a Python caller writes
    them (``bump=``), not as the command line's options (``--bump``): the
    core's messages speak to both. A command quoted in backticks keeps its
    options."""
    names = set(inspect.signature(method).parameters)

    def python(match: re.Match[str]) -> str:
        name = match[1].replace("-", "_")
        if name not in names:
            return match[0]
        return f"{name}={match[2]!r}" if match[2] else f"{name}="

    @functools.wraps(method)
    def speaking(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except RegistryError as exc:
            if len(exc.args) == 1 and isinstance(exc.args[0], str) and "--" in exc.args[0]:
                parts = exc.args[0].split("`")
                parts[::2] = [_OPTION.sub(python, part) for part in parts[::2]]
                exc.args = ("`".join(parts),)
            raise

    return speaking


for _name, _method in list(vars(Registry).items()):
    if inspect.isfunction(_method) and (not _name.startswith("_") or _name == "__init__"):
        setattr(Registry, _name, _in_python_terms(_method))
