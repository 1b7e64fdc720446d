"""The walk: each commit of the main line that touches the registry's
records, compared with its first parent, its events as rows.

One ``git log`` of the whole span and one ``git cat-file --batch`` (in
batches, the next read while one is used) serve the whole history. What a
commit brought is kept in the parse cache (a commit never changes), so a
second run reads only new commits; one model's history (a rollback asks
for it several times) is remembered in this process. Many new commits are
read in two processes, each its own part of the main line.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry import git, layout, yamlsafe
from registry.cache import ParseCache
from registry.errors import GitError
from registry.forked import both
from registry.history.blobs import _Records
from registry.history.diff import _commit_events, _is_record
from registry.history.event import Event
from registry.history.messages import pr_number, reason_of
from registry.history.rows import _FORMAT, _event, _fits, _person
from registry.load import cache_for
from registry.records import DEFAULT_ARCHIVE_STAGE, archive_stage_of

_READ_AHEAD = 500  # commits whose blobs are fetched in one batch


@dataclass
class _Source:
    """Who made a change: the commit itself, or a commit of a merged branch."""

    commit: str
    author: git.Person
    committer: git.Person
    reason: str | None
    subject: str


def _source(entry: git.LogEntry) -> _Source:
    return _Source(
        entry.commit, entry.author, entry.committer, reason_of(entry.message), entry.message.split("\n", 1)[0]
    )


def events(
    root: Path, rev: str = "HEAD", *, models: list[str] | None = None, cache: ParseCache | None = None
) -> list[Event]:
    """Every event of the registry's history on the main line of ``rev``, oldest first.

    What each main-line commit brought is kept in the parse cache (a commit
    never changes), so only commits not seen before are read. With
    ``models`` (a model's names, current and former), only the commits that
    touch their folders are read, and nothing is cached.

    In a shallow clone the main line starts at the boundary commit, whose
    parents were not fetched: what it holds is the starting state, not
    something it created, so it gives no events (:func:`shallow_start`
    says where that is). A commit's events are cached under the view of
    history they were read in (the shallow boundary, grafts and replace
    refs: ``git.history_view``), so changing any of them reads it again."""
    root = Path(root)
    head = git.rev_parse(root, rev + "^{commit}")
    graph = git.parents(root, head)
    mainline: list[str] = []  # newest first
    walk: str | None = head
    while walk is not None:
        mainline.append(walk)
        up = graph.get(walk, ())
        walk = up[0] if up else None
    if models is not None:
        memo_key = (str(root.resolve()), head, tuple(models))
        if memo_key in _MODEL_MEMO:  # a rollback asks twice, then its check a third time
            return list(_MODEL_MEMO[memo_key])
        cache = ParseCache(None)  # a partial view: not to be remembered as the commits' events
    elif cache is None:
        cache = cache_for(root)
    view = git.history_view(root)
    prefix = f"{_FORMAT}:{view.digest}:" if view.digest else f"{_FORMAT}:"
    saved = cache.history([prefix + c for c in mainline], _fits)
    missing = [c for c in reversed(mainline) if prefix + c not in saved]  # oldest first
    paths = (
        [layout.model_dir(m) for m in models]
        if models is not None
        else [layout.MODELS_DIR, layout.REGISTRY_FILE]
    )
    people: dict[Any, git.Person] = {}  # one object per person and moment, shared by their events
    made: dict[str, list[Event]] = {}

    def take(fresh: dict[str, Any]) -> None:
        """The events of freshly read commits, kept; called for each half as
        soon as it is there, so one half is done with while the other is read."""
        for key, (_stage_after, rows) in fresh.items():
            made[key] = [_event(row, people) for row in rows]
        cache.put_history(fresh)

    with _collector_paused():
        _compute_all(root, missing, graph, mainline, paths, take, view.shallow, prefix)
        out: list[Event] = []
        for commit in reversed(mainline):
            key = prefix + commit
            if key in made:
                out.extend(made[key])
            else:
                out.extend(_event(row, people) for row in saved[key][1])
    if models is not None:
        if len(_MODEL_MEMO) >= 8:
            _MODEL_MEMO.pop(next(iter(_MODEL_MEMO)))
        _MODEL_MEMO[(str(root.resolve()), head, tuple(models))] = tuple(out)
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off meanwhile. Reading a whole
    history makes millions of objects that live until the end and form no
    cycles; the collector's passes over them (each longer as they grow) were
    a sixth of the CPU spent in Python here. Afterwards they are filed with
    the oldest objects (``gc.freeze`` then ``gc.unfreeze``), so the young
    generations' next passes do not walk them all once more; whatever cycles
    were made meanwhile go with the oldest generation's next pass."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was:
            gc.enable()


_MODEL_MEMO: dict[tuple[str, str, tuple[str, ...]], tuple[Event, ...]] = {}
"""One model's events by (repository, commit, names): a commit's history never changes."""

_PARALLEL_FROM = 400  # missing main-line commits; below this one process is quicker
_OLDER_SHARE = 0.54  # of the missing commits, read here; the newer rest in the forked process


def _compute_all(
    root: Path,
    missing: list[str],
    graph: dict[str, tuple[str, ...]],
    mainline: list[str],
    paths: list[str],
    take: Callable[[dict[str, Any]], None],
    boundary: frozenset[str] = frozenset(),
    prefix: str = f"{_FORMAT}:",
) -> None:
    """The rows of the ``missing`` main-line commits (oldest first), handed
    to ``take``; in two processes when there are many: each reads its own
    part of the history (``forked.both``), and this one takes its own part
    while the other still reads."""
    if not missing:
        return
    parts = [missing]
    if len(missing) >= _PARALLEL_FROM:
        cut = round(len(missing) * _OLDER_SHARE)
        parts = [missing[:cut], missing[cut:]]
    jobs = []
    for part in parts:
        base = graph.get(part[0], ())
        span = f"{base[0]}..{part[-1]}" if base else part[-1]
        jobs.append((root, span, part, paths, boundary, prefix))
    on_main = set(mainline)
    if len(jobs) == 1:
        take(_compute(jobs[0], graph, on_main))
        return

    def older() -> dict[str, Any]:
        take(_compute(jobs[0], graph, on_main))
        return {}

    _, newer = both(older, lambda: _compute(jobs[1], graph, on_main))
    take(newer)


_Job = tuple[Path, str, list[str], list[str], frozenset[str], str]


def _archive_stage_before(root: Path, commit: str, graph: Mapping[str, tuple[str, ...]]) -> str:
    """The archive stage in force just before ``commit``: from registry.yaml at its first parent."""
    parent = graph.get(commit, ())
    if not parent:
        return DEFAULT_ARCHIVE_STAGE
    try:
        doc = yamlsafe.load(git.file_at(root, parent[0], layout.REGISTRY_FILE))
    except (GitError, yamlsafe.YamlError):
        return DEFAULT_ARCHIVE_STAGE
    return archive_stage_of(doc)


def _compute(job: _Job, graph: Mapping[str, tuple[str, ...]], on_main: set[str]) -> dict[str, Any]:
    """The rows of a run of consecutive main-line commits: one ``git log`` of
    their span, blobs read in large batches, each while the one before is used."""
    root, span, commits, paths, boundary, prefix = job
    archive_stage = _archive_stage_before(root, commits[0], graph)
    # Each commit with the changes of records only (a merged branch's commit is asked about no other path).
    by_commit = {e.commit: e for e in git.log(root, span, paths, first_parent=False, keep=_is_record)}
    todo = [by_commit[c] for c in commits if c in by_commit]
    at = {e.commit: i for i, e in enumerate(todo)}
    fresh: dict[str, Any] = {}
    batches = [todo[i : i + _READ_AHEAD] for i in range(0, len(todo), _READ_AHEAD)]
    with git.CatFile(root) as cat:
        records = _Records(cat)
        coming = records.prefetch(_blobs(batches[0])) if batches else None
        for commit in commits:
            entry = by_commit.get(commit)
            rows: list[tuple[Any, ...]] = []
            stage_after = None
            if entry is not None:
                i = at[commit]
                if i % _READ_AHEAD == 0 and coming is not None:  # git reads the next batch meanwhile
                    this, nxt = coming, i // _READ_AHEAD + 1
                    coming = records.prefetch(_blobs(batches[nxt])) if nxt < len(batches) else None
                    this()
                rows, stage_after = _rows(entry, records, archive_stage, by_commit, graph, on_main)
                if commit in boundary:  # a shallow clone's first commit: the state it starts from
                    rows = []
            fresh[prefix + commit] = (stage_after, rows)
            if stage_after is not None:
                archive_stage = stage_after
    return fresh


def _blobs(entries: list[git.LogEntry]) -> Iterator[str]:
    return (b for e in entries for c in e.changes for b in (c.old, c.new) if b)


def _rows(
    entry: git.LogEntry,
    records: _Records,
    archive_stage: str,
    by_commit: Mapping[str, git.LogEntry],
    graph: Mapping[str, tuple[str, ...]],
    on_main: set[str],
) -> tuple[list[tuple[Any, ...]], str | None]:
    """The events of one main-line commit, as plain rows; and the archive
    stage after it, when it changed registry.yaml. ``entry`` holds changes of records only."""
    changes = list(entry.changes)
    if not changes:
        return [], None
    merged = len(entry.parents) > 1
    sources = _branch_sources(entry, by_commit, graph, on_main) if merged else {}
    landing = _source(entry)
    pr = pr_number(entry.message)
    merged_by = _person(entry.author) if merged else None  # on GitHub the committer is "GitHub"
    tails: dict[int, tuple[Any, ...]] = {}  # what the events of one source share, made once
    rows = []
    for kind, model, version, details, path in _commit_events(changes, records, archive_stage):
        src = sources.get(path, landing)
        tail = tails.get(id(src))
        if tail is None:
            tail = tails[id(src)] = (
                src.commit,
                _person(src.author),
                _person(src.committer),
                entry.committer.time,
                pr,
                entry.commit if merged else None,
                merged_by,
                src.reason or (landing.reason if merged else None),
                src.subject,
            )
        rows.append((kind, model, version, details, *tail))
    stage_after = None
    for change in changes:
        if change.path == layout.REGISTRY_FILE:
            stage_after = archive_stage_of(records.mapping(change.new))
    return rows, stage_after


def _branch_sources(
    merge: git.LogEntry,
    by_commit: Mapping[str, git.LogEntry],
    graph: Mapping[str, tuple[str, ...]],
    on_main: set[str],
) -> dict[str, _Source]:
    """For each path a merge changed, the newest commit of the merged branch
    that touched it. The branch is what the merge's other parents reach
    before the main line."""
    sources: dict[str, _Source] = {}
    seen: set[str] = set()
    todo = deque(merge.parents[1:])
    while todo:
        commit = todo.popleft()
        if commit in seen or commit in on_main:
            continue
        seen.add(commit)
        entry = by_commit.get(commit)
        if entry is not None:
            source = None
            for change in entry.changes:
                if change.path not in sources:
                    source = source or _source(entry)
                    sources[change.path] = source
        todo.extend(graph.get(commit, ()))
    return sources
