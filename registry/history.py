"""The registry's history, derived from git and never stored twice.

Each commit of the main line (first parents of a revision) that touches
``models/`` or ``registry.yaml`` is compared with its first parent, record
by record: the old and new contents are parsed and compared as values, so a
reformatted file is not a change. What changed becomes events:
``version_registered``, ``stage_changed``, ``alias_moved`` and so on.

A change that arrived through a merge is credited to the commit of the
merged branch that made it (its author and its ``Reason`` trailer), with
the merge, its pull-request number and who merged it alongside. One
``git log`` and one ``git cat-file --batch`` serve the whole history; each
blob is read once, split into its top-level entries, and only entries whose
text differs are parsed (and each distinct text once).
"""

from __future__ import annotations

import gc
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from registry import git, yamlsafe
from registry.cache import ParseCache
from registry.errors import GitError
from registry.forked import both
from registry.load import MODELS_DIR, REGISTRY_FILE, cache_for
from registry.records import POLICY_KEYS, changes_policy

_RECORD = re.compile(r"^models/([^/]+)/(?:(model)\.yaml|versions/([1-9][0-9]{0,8})\.yaml)$")
_GITHUB_MERGE = re.compile(r"\AMerge pull request #([0-9]+) from ")
_SQUASH = re.compile(r"\(#([0-9]+)\)\s*\Z")
_GITLAB = re.compile(r"^See merge request [^\s!]+!([0-9]+)\s*$", re.M)
_TRAILER = re.compile(r"^([A-Za-z0-9-]+): (.*)$")
_READ_AHEAD = 500  # commits whose blobs are fetched in one batch


@dataclass(frozen=True)
class Event:
    kind: str
    model: str | None
    """None for registry-wide events (a change of registry.yaml's policy)."""
    version: int | None
    commit: str
    """The commit that made the change (on a merged branch, that branch's commit)."""
    author: git.Person
    committer: git.Person
    time: int
    """When the change reached the main line (the main-line commit's commit time)."""
    pr: int | None = None
    merge: str | None = None
    """The merge commit that brought the change to the main line, if any."""
    merged_by: git.Person | None = None
    reason: str | None = None
    subject: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        def person(p: git.Person | None) -> dict[str, Any] | None:
            return None if p is None else {"name": p.name, "email": p.email, "time": p.time}

        return {
            "kind": self.kind,
            "model": self.model,
            "version": self.version,
            **dict(self.details),
            "time": self.time,
            "commit": self.commit,
            "subject": self.subject,
            "author": person(self.author),
            "committer": person(self.committer),
            "pr": self.pr,
            "merge": self.merge,
            "merged_by": person(self.merged_by),
            "reason": self.reason,
        }


def phrase(e: Event) -> str:
    """What happened, in words."""
    d = e.details
    v = f"v{e.version}" if e.version is not None else ""
    match e.kind:
        case "version_registered":
            return f"registered {v}" + (f" in {d['stage']}" if d.get("stage") not in (None, "none") else "")
        case "stage_changed":
            return f"{v} {d['from']} -> {d['to']}"
        case "version_archived":
            return f"{v} archived (was {d['from']})"
        case "alias_set":
            return f"@{d['alias']} set to {v}"
        case "alias_moved":
            return f"@{d['alias']} moved v{d['from']} -> {v}"
        case "alias_removed":
            return f"@{d['alias']} removed (was v{d['from']})"
        case "tags_changed":
            old, new = d["from"], d["to"]
            parts = [f"+{k}={new[k]}" for k in sorted(new.keys() - old.keys())]
            parts += [f"{k}={old[k]}->{new[k]}" for k in sorted(new.keys() & old.keys()) if old[k] != new[k]]
            parts += [f"-{k}" for k in sorted(old.keys() - new.keys())]
            return f"{v + ' ' if v else ''}tags {' '.join(parts)}"
        case "description_changed":
            return f"{v + ' ' if v else ''}description edited"
        case "model_created":
            return "model created"
        case "model_renamed":
            return f"renamed from {d['from']}"
        case "model_removed":
            return "model removed"
        case "owners_changed":
            return f"owners: {', '.join(d['to'] or [])}"
        case "policy_changed":
            return f"policy edited ({', '.join(d['keys'])})"
        case _:
            return f"{v} {e.kind}"


def pr_number(message: str) -> int | None:
    """The pull or merge request a commit message names: GitHub merge commits,
    squash merges (``subject (#12)``) and GitLab's ``See merge request g/p!12``."""
    subject = message.split("\n", 1)[0]
    for pattern, text in ((_GITHUB_MERGE, subject), (_SQUASH, subject), (_GITLAB, message)):
        found = pattern.search(text)
        if found:
            return int(found.group(1))
    return None


def reason_of(message: str) -> str | None:
    """The ``Reason`` trailer: in the last paragraph, or else (a squash merge
    joins several messages) the first ``Reason:`` line of the message."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    candidates = paragraphs[-1:] + paragraphs[:-1]
    for paragraph in candidates:
        for line in paragraph.splitlines():
            found = _TRAILER.match(line.strip())
            if found and found.group(1).lower() == "reason":
                return found.group(2).strip()
    return None


# -- reading records, fast -------------------------------------------------------


class _Unreadable(Exception):
    pass


class _Records:
    """Record contents by blob id: each blob read once and split into its
    top-level entries; each distinct entry text parsed once."""

    def __init__(self, cat: git.CatFile) -> None:
        self._cat = cat
        self._split: dict[str, dict[bytes, bytes] | None] = {}
        self._asked: set[str] = set()  # blobs whose reading has begun
        self._values: dict[bytes, Any] = {}
        self._good: dict[str, str] = {}  # path -> its last readable blob

    def prefetch(self, blobs: Iterable[str]) -> Callable[[], None]:
        """Begin reading those of ``blobs`` not read or asked for yet; the
        function returned waits for them and files their entries."""
        wanted = [b for b in dict.fromkeys(blobs) if b not in self._split and b not in self._asked]
        self._asked.update(wanted)
        contents = self._cat.start(wanted)

        def file() -> None:
            for blob, data in contents().items():
                self._split[blob] = _entries(data)

        return file

    def entries(self, blob: str | None) -> dict[bytes, bytes] | None:
        """Top-level key -> its text; None for an unreadable record."""
        if blob is None:
            return {}
        found = self._split.get(blob, _UNREAD)
        if found is _UNREAD:
            data = self._cat.read_many([blob])[blob]
            found = self._split[blob] = _entries(data)
        return found  # type: ignore[return-value]

    def value(self, text: bytes) -> Any:
        """The value of one entry; raises _Unreadable when the text is not valid YAML."""
        if text not in self._values:
            try:
                doc = yamlsafe.load(text)
            except yamlsafe.YamlError:
                doc = _Unreadable
            if isinstance(doc, dict) and len(doc) == 1:
                doc = next(iter(doc.values()))
            elif doc is not _Unreadable:
                doc = _Unreadable
            if len(self._values) > 200_000:
                self._values.clear()
            self._values[text] = doc
        found = self._values[text]
        if found is _Unreadable:
            raise _Unreadable
        return found

    def get(self, blob: str | None, key: str) -> Any:
        entries = self.entries(blob)
        text = entries.get(_key(key)) if entries else None
        try:
            return None if text is None else self.value(text)
        except _Unreadable:
            return None

    def changed(
        self, old: str | None, new: str | None, keys: tuple[str, ...], path: str = ""
    ) -> dict[str, tuple[Any, Any]] | None:
        """Those of ``keys`` whose values differ (as values, not text): key ->
        (old, new). Only entries whose text differs are parsed. None when the
        new side cannot be read; an unreadable old side is replaced by the
        last readable content of ``path``, so a record broken for a while and
        then mended shows what really changed."""
        a, b = self.entries(old), self.entries(new)
        if b is None:
            return None
        out: dict[str, tuple[Any, Any]] | None = {}
        for key, kb in _encoded(keys):
            ta, tb = a.get(kb) if a is not None else None, b.get(kb)
            if ta == tb and a is not None:
                continue
            try:
                vb = None if tb is None else self.value(tb)
            except _Unreadable:
                if path and old is not None:
                    self._good.setdefault(path, old)  # what it was before it broke
                return None
            try:
                if a is None:
                    raise _Unreadable
                va = None if ta is None else self.value(ta)
            except _Unreadable:
                out = None
                break
            if out is not None and not _same(va, vb):
                out[key] = (va, vb)
        if out is None:  # the old side is unreadable: compare with the last readable one
            good = self._good.get(path)
            out = self.changed(good, new, keys) if good is not None and good != old else None
        if path and new is not None:
            self._good[path] = new
        return out


_UNREAD = object()
_KEYS: dict[str, bytes] = {}
_ENCODED: dict[tuple[str, ...], tuple[tuple[str, bytes], ...]] = {}


def _encoded(keys: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    """Each of ``keys`` with its bytes (the few tuples of keys history asks about, each encoded once)."""
    found = _ENCODED.get(keys)
    if found is None:
        found = _ENCODED[keys] = tuple((k, _key(k)) for k in keys)
    return found


def _key(name: str) -> bytes:
    """A top-level key as the bytes :func:`_entries` files its text under."""
    found = _KEYS.get(name)
    if found is None:
        found = _KEYS[name] = name.encode("utf-8", "surrogatepass")
    return found


# A column-0 line after the first that starts an entry ("- item" lines continue
# the key above: a block sequence may sit at its key's indentation), and the key
# it names if it is a plain key. The pattern starts with a literal newline, which
# the regex engine scans for quickly; splitting on it cuts a record into its
# entries, each key captured between them (None for a start that is no key).
_STARTS = re.compile(
    rb"\n(?=[^ \t\r\n#])(?!-[ \t\r\n]|-\Z)(?:(?=([A-Za-z_][A-Za-z0-9_.-]*):(?=[ \t\r\n]|\Z))|)"
)
_FIRST_KEY = re.compile(rb"(?:(?:[ \t]*(?:#[^\n]*)?)\n)*([A-Za-z_][A-Za-z0-9_.-]*):(?=[ \t\r\n]|\Z)")


def _entries(data: bytes) -> dict[bytes, bytes] | None:
    """A record's top-level entries: key -> the text of its entry. The plain
    layout (a top-level block mapping, one key per column-0 line) is cut by
    text, in one pass; anything else is parsed whole; an invalid record gives None."""
    if len(data) > 1_048_576:
        return None
    first = _FIRST_KEY.match(data)
    if first is not None:
        pieces = _STARTS.split(data)  # [before, key, entry, key, entry, ...]
        if first.start(1) == 0:  # the first line is a key: no newline before it
            keys = [first.group(1), *pieces[1::2]]
            found = dict(zip(keys, pieces[0::2], strict=True))
        else:
            keys = pieces[1::2]
            found = dict(zip(keys, pieces[2::2], strict=True))
        if len(found) == len(keys) and None not in found:
            return found  # None is not among the keys
    try:
        doc = yamlsafe.load(data)
    except yamlsafe.YamlError:
        return None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        return None
    # Not the plain layout: each entry's text is its canonical form, so equal values compare equal.
    import json

    return {
        str(k).encode("utf-8", "surrogatepass"): json.dumps(
            {str(k): v}, sort_keys=True, default=str, ensure_ascii=False
        ).encode()
        for k, v in doc.items()
    }


def _is_record(path: str) -> bool:
    return path == REGISTRY_FILE or (path.endswith(".yaml") and _RECORD.match(path) is not None)


@lru_cache(maxsize=1 << 16)
def _place(path: str) -> tuple[str, int | None]:
    """The model and version number (None for its model.yaml) of a record's path."""
    found = _RECORD.match(path)
    assert found is not None
    return found.group(1), None if found.group(2) else int(found.group(3))


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# -- the walk ----------------------------------------------------------------------


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


_FORMAT = "h4"  # bump when the events of a commit would come out differently


def _person(p: git.Person | None) -> tuple[str, str, int, str] | None:
    return None if p is None else (p.name, p.email, p.time, p.offset)


def _fits(saved: Any) -> bool:
    """Whether a commit's saved history has the shape :func:`_event` reads."""
    if type(saved) is not tuple or len(saved) != 2 or type(saved[1]) is not list:
        return False
    stage_after, rows = saved
    return (stage_after is None or type(stage_after) is str) and all(_row_fits(row) for row in rows)


def _row_fits(row: Any) -> bool:
    def person(p: Any) -> bool:
        return (
            type(p) is tuple
            and len(p) == 4
            and type(p[2]) is int
            and all(type(p[i]) is str for i in (0, 1, 3))
        )

    return (
        type(row) is tuple
        and len(row) == 13
        and type(row[0]) is str
        and (row[1] is None or type(row[1]) is str)
        and (row[2] is None or type(row[2]) is int)
        and type(row[3]) is dict
        and type(row[4]) is str
        and person(row[5])
        and person(row[6])
        and type(row[7]) is int
        and (row[10] is None or person(row[10]))
    )


def _event(row: tuple[Any, ...], people: dict[Any, git.Person]) -> Event:
    """The event of a row, made without the dataclass's ``__init__``, which
    sets each of the 13 frozen fields through ``object.__setattr__`` (0.2 s of
    a whole-registry history): the same value, filled in at once."""
    kind, model, version, details, commit, author, committer, time, pr, merge, merged_by, reason, subject = (
        row
    )
    event = _new(Event)
    event.__dict__.update(
        kind=kind,
        model=model,
        version=version,
        commit=commit,
        author=people.get(author) or people.setdefault(author, git.Person(*author)),
        committer=people.get(committer) or people.setdefault(committer, git.Person(*committer)),
        time=time,
        pr=pr,
        merge=merge,
        merged_by=(people.get(merged_by) or people.setdefault(merged_by, git.Person(*merged_by)))
        if merged_by
        else None,
        reason=reason,
        subject=subject,
        details=details,
    )
    return event


_new = object.__new__


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
    paths = [f"{MODELS_DIR}/{m}" for m in models] if models is not None else [MODELS_DIR, REGISTRY_FILE]
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
        return "archived"
    try:
        data = git.run(["cat-file", "blob", f"{parent[0]}:{REGISTRY_FILE}"], root)
        doc = yamlsafe.load(data)
    except (GitError, yamlsafe.YamlError):
        return "archived"
    stage = doc.get("archive_stage") if isinstance(doc, dict) else None
    return stage if isinstance(stage, str) else "archived"


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
        if change.path == REGISTRY_FILE:
            stage = records.get(change.new, "archive_stage")
            stage_after = stage if isinstance(stage, str) else "archived"
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


_Raw = tuple[str, str | None, int | None, dict[str, Any], str]


def _commit_events(changes: list[git.FileChange], records: _Records, archive_stage: str) -> Iterator[_Raw]:
    """The events of one main-line commit, from its changed records."""
    models: dict[str, git.FileChange] = {}
    versions: dict[str, dict[int, git.FileChange]] = {}
    for change in changes:
        if change.path == REGISTRY_FILE:
            diff = records.changed(change.old, change.new, POLICY_KEYS, change.path) or {}
            edited = sorted(k for k, (a, b) in diff.items() if changes_policy(k, a, b))
            if edited:
                yield ("policy_changed", None, None, {"keys": edited}, change.path)
            continue
        name, number = _place(change.path)
        if number is None:
            models[name] = change
        else:
            versions.setdefault(name, {})[number] = change
    # Renames: a model folder removed and one added whose model.yaml names it as former.
    renamed: dict[str, str] = {}
    for name, change in models.items():
        if change.old is None and change.new is not None:
            former = records.get(change.new, "former_names") or []
            for old in former if isinstance(former, list) else []:
                if isinstance(old, str) and old in models and models[old].new is None:
                    renamed[old] = name
    gone = {n for n, c in models.items() if c.new is None and n not in renamed}
    born = {n for n, c in models.items() if c.old is None and n not in renamed.values()}
    for old in sorted(gone):
        old_blobs = {k: c.old for k, c in versions.get(old, {}).items() if c.new is None}
        for new in sorted(born):
            new_blobs = {k: c.new for k, c in versions.get(new, {}).items() if c.old is None}
            if old_blobs and old_blobs == new_blobs:  # moved by hand, without former_names
                renamed[old] = new
                born.discard(new)
                break
    for old, new in sorted(renamed.items()):
        yield ("model_renamed", new, None, {"from": old, "to": new}, models[new].path)
    for name in sorted(models.keys() | versions.keys()):
        if name in renamed:
            continue  # its files moved: the events are the new name's
        mchange = models.get(name)
        renamed_from = next((o for o, n in renamed.items() if n == name), None) if renamed else None
        later: list[_Raw] = []  # the model's own changes come after its versions'
        if mchange is not None:
            if renamed_from is not None:
                old_blob = models[renamed_from].old
                later.extend(_model_change(name, old_blob, mchange.new, records, mchange.path))
            elif mchange.old is None:
                yield ("model_created", name, None, _model_fields(records, mchange.new), mchange.path)
            elif mchange.new is None:
                later.append(("model_removed", name, None, {}, mchange.path))
            else:
                later.extend(_model_change(name, mchange.old, mchange.new, records, mchange.path))
        moved = versions.get(renamed_from, {}) if renamed_from else {}
        for number, vchange in sorted(versions.get(name, {}).items()):
            old_blob = vchange.old
            if old_blob is None and number in moved:
                old_blob = moved[number].old
            if old_blob is None:
                details = {
                    "stage": records.get(vchange.new, "stage"),
                    "description": records.get(vchange.new, "description") or "",
                    "tags": records.get(vchange.new, "tags") or {},
                }
                yield ("version_registered", name, number, details, vchange.path)
            elif vchange.new is None:
                yield ("version_removed", name, number, {}, vchange.path)
            else:
                yield from _version_change(
                    name, number, old_blob, vchange.new, records, vchange.path, archive_stage
                )
        yield from later


def _model_fields(records: _Records, blob: str | None) -> dict[str, Any]:
    return {
        "description": records.get(blob, "description") or "",
        "owners": records.get(blob, "owners") or [],
        "tags": records.get(blob, "tags") or {},
        "aliases": records.get(blob, "aliases") or {},
    }


_MODEL_KEYS = ("aliases", "tags", "description", "owners", "policy")
_VERSION_KEYS = ("stage", "tags", "description")


def _model_change(
    name: str, old: str | None, new: str | None, records: _Records, path: str
) -> Iterator[_Raw]:
    diff = records.changed(old, new, _MODEL_KEYS, path)
    if not diff:
        return
    if "aliases" in diff:
        before, after = (v if isinstance(v, dict) else {} for v in diff["aliases"])
        for alias in sorted(before.keys() | after.keys()):
            a, b = before.get(alias), after.get(alias)
            if a == b:
                continue
            if a is None:
                yield ("alias_set", name, b, {"alias": alias, "to": b}, path)
            elif b is None:
                yield ("alias_removed", name, a, {"alias": alias, "from": a}, path)
            else:
                yield ("alias_moved", name, b, {"alias": alias, "from": a, "to": b}, path)
    yield from _common(name, None, diff, path)
    if "owners" in diff:
        yield ("owners_changed", name, None, {"from": diff["owners"][0], "to": diff["owners"][1]}, path)
    if "policy" in diff:
        yield ("policy_changed", name, None, {"keys": ["policy"]}, path)


def _version_change(
    name: str, number: int, old: str, new: str, records: _Records, path: str, archive_stage: str
) -> Iterator[_Raw]:
    diff = records.changed(old, new, _VERSION_KEYS, path)
    if not diff:
        return
    if "stage" in diff:
        a, b = diff["stage"]
        kind = "version_archived" if b == archive_stage else "stage_changed"
        yield (kind, name, number, {"from": a, "to": b}, path)
    yield from _common(name, number, diff, path)


def _common(name: str, number: int | None, diff: Mapping[str, tuple[Any, Any]], path: str) -> Iterator[_Raw]:
    if "tags" in diff:
        a, b = (v if isinstance(v, dict) else {} for v in diff["tags"])
        yield ("tags_changed", name, number, {"from": a, "to": b}, path)
    if "description" in diff:
        yield ("description_changed", name, number, {"to": diff["description"][1] or ""}, path)


def replay(found: Iterable[Event]) -> dict[str, dict[str, Any]]:
    """The registry's state rebuilt from events alone: model name ->
    description, tags, aliases and versions (number -> stage, tags,
    description). What the history claims must add up to what the files say."""
    state: dict[str, dict[str, Any]] = {}
    for e in found:
        d = e.details
        if e.model is None:
            continue
        if e.kind == "model_renamed":
            state[d["to"]] = state.pop(
                d["from"], {"description": "", "tags": {}, "aliases": {}, "versions": {}}
            )
            continue
        model = state.setdefault(e.model, {"description": "", "tags": {}, "aliases": {}, "versions": {}})
        target = model["versions"].get(e.version) if e.version is not None else model
        match e.kind:
            case "model_created":
                model.update(description=d["description"], tags=dict(d["tags"]), aliases=dict(d["aliases"]))
            case "model_removed":
                del state[e.model]
            case "version_registered":
                model["versions"][e.version] = {
                    "stage": d["stage"],
                    "tags": dict(d["tags"]),
                    "description": d["description"],
                }
            case "version_removed":
                model["versions"].pop(e.version, None)
            case "stage_changed" | "version_archived" if target is not None:
                target["stage"] = d["to"]
            case "alias_set" | "alias_moved":
                model["aliases"][d["alias"]] = d["to"]
            case "alias_removed":
                model["aliases"].pop(d["alias"], None)
            case "tags_changed" if target is not None:
                target["tags"] = dict(d["to"])
            case "description_changed" if target is not None:
                target["description"] = d["to"]
    return state


def shallow_start(root: Path, rev: str = "HEAD") -> str | None:
    """In a shallow clone, the commit where the main line of ``rev`` starts
    because its parents were not fetched; None when its history is whole."""
    view = git.history_view(Path(root))
    if not view.shallow:
        return None
    out = git.run(["rev-list", "--first-parent", "--max-parents=0", rev, "--"], Path(root)).split()
    return next((c.decode() for c in out if c.decode() in view.shallow), None)


def shallow_warning(root: Path, rev: str = "HEAD") -> str | None:
    """The warning a command that reads history gives in a shallow clone."""
    start = shallow_start(root, rev)
    if start is None:
        return None
    return (
        f"warning: this is a shallow clone: its history starts at commit {start[:10]}, "
        "whose state is taken as the starting state (earlier commits were not fetched; "
        "`git fetch --unshallow` fetches them)"
    )


# -- questions a rollback asks -------------------------------------------------------


def stages_held(root: Path, rev: str, names: list[str], version: int) -> set[str]:
    """The stages a version of the model called ``names`` (current and former
    names) has been in, on the main line of ``rev``."""
    held: set[str] = set()
    for e in events(root, rev, models=names):
        if e.version == version and e.kind in ("version_registered", "stage_changed", "version_archived"):
            held.update(s for s in (e.details.get("stage"), e.details.get("from"), e.details.get("to")) if s)
    return held


def previous_holder(root: Path, rev: str, names: list[str], stage: str, exclude: set[int]) -> int | None:
    """The version that most recently left ``stage``, other than ``exclude``."""
    for e in reversed(events(root, rev, models=names)):
        left = e.kind in ("stage_changed", "version_archived") and e.details["from"] == stage
        if left and e.version is not None and e.version not in exclude:
            return e.version
    return None
