"""Parse cache keyed by git blob id.

A blob id names exact bytes, so what was learnt from a file (its problems,
and the facts the cross-file rules need) can be reused for as long as the
bytes do not change, in the work tree or at any revision. Keys are
``<kind>:<blob id>``.

The cache is one SQLite database under the repository's git directory
(stdlib, safe under concurrent runs, and updated row by row: a one-record
change writes one row, not the whole cache). Each row holds two ``marshal``
strings: the facts and problems, read on every load, and the whole record,
decoded only when a command asks for it. marshal holds only plain data.

The cache is never trusted, only used. Every value is sealed with a digest
of its row's key, its column and its bytes, so a damaged value, or one that
has moved to another row, is seen; a value that does not have the shape the
loader uses is refused too. Such an entry is dropped and its file parsed
again. A database that SQLite finds damaged, or something else at its path,
is moved aside and a new one started; one that cannot be opened or written
(read-only, locked, a file where the folder should be) is done without.
Each of these says so once, on stderr, naming the cache file: the answer is
always the one a run with no cache gives.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import shutil
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# Bump when the parser, the facts or the cached shape change.
FORMAT = 16
_BULK = 2_000  # above this many keys, one table scan beats point look-ups
_SEAL = 16  # bytes of digest before each value

ProblemTuple = tuple[str, str, Any, tuple[Any, ...], bool]
Entry = tuple[Any, list[ProblemTuple]]

_log = logging.getLogger("registry.cache")
_WARNED: set[str] = set()  # cache files already warned about in this process

# SQLite result codes that say nothing about the file's contents: try again another time.
_PASSING = {3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 23}  # PERM ABORT BUSY LOCKED NOMEM READONLY
# INTERRUPT IOERR FULL CANTOPEN PROTOCOL AUTH
_FAULTS = (sqlite3.Error, OSError, ValueError, EOFError, TypeError, LookupError)


def _fingerprint() -> str:
    from registry import __version__, schemas

    digest = hashlib.sha1(f"{FORMAT} {__version__}".encode())  # noqa: S324 - a fingerprint, not security
    for name in schemas.NAMES:
        digest.update(schemas.schema_text(name).encode())
    return digest.hexdigest()


def _digest(key: str, column: bytes, payload: bytes) -> bytes:
    seal = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=_SEAL, person=column)
    seal.update(payload)
    return seal.digest()


def seal(key: str, column: bytes, payload: bytes) -> bytes:
    """``payload`` as stored in ``column`` of the row ``key``: its digest first."""
    return _digest(key, column, payload) + payload


def unseal(key: str, column: bytes, value: object) -> bytes | None:
    """The payload of a stored value, or None when it was not sealed for this row and column."""
    if not isinstance(value, bytes) or len(value) < _SEAL:
        return None
    payload = value[_SEAL:]
    return payload if _digest(key, column, payload) == value[:_SEAL] else None


def _loads(data: bytes) -> Any:
    return marshal.loads(data)  # noqa: S302 - our own database, plain data only, sealed


def _damaged(exc: BaseException) -> bool:
    """Whether an error reading the database says its contents are bad
    (rather than that it is busy, read-only or out of reach)."""
    if not isinstance(exc, sqlite3.Error):
        return not isinstance(exc, OSError)  # decoding: what SQLite returned is not what was stored
    code = getattr(exc, "sqlite_errorcode", None)
    return code is None or code & 0xFF not in _PASSING


def _problem_fits(p: Any) -> bool:
    return (
        type(p) is tuple
        and len(p) == 5
        and type(p[0]) is str
        and type(p[1]) is str
        and (p[2] is None or type(p[2]) is int)
        and type(p[3]) in (tuple, list)
        and type(p[4]) is bool
    )


def fits(kind: str, entry: Any) -> bool:
    """Whether ``entry`` has the shape the loader uses for a file of ``kind``."""
    if type(entry) is not tuple or len(entry) != 2 or type(entry[1]) is not list:
        return False
    facts, problems = entry
    if problems and not all(_problem_fits(p) for p in problems):
        return False
    if facts is None:
        return True
    if kind == "version":
        return (
            type(facts) is tuple
            and len(facts) == 10
            and (facts[5] is None or type(facts[5]) is int)
            and (facts[6] is None or type(facts[6]) is str)
            and type(facts[7]) is bool
            and (facts[8] is None or type(facts[8]) is str)
            and type(facts[9]) is str
            and type(facts[0]) is str
            and type(facts[1]) is str
            and type(facts[4]) is tuple
            and all(type(p) is tuple and len(p) == 2 for p in facts[4])
        )
    if kind == "dvc":
        return type(facts) is tuple and len(facts) in (3, 4)
    return type(facts) is dict and kind in ("model", "registry")


_POOL = threading.local()
_POOL_SIZE = 4
"""Open connections per thread (by database file, the most recent kept):
a load used to open its own and leave it to the garbage collector, and an
import that loads thousands of times ran out of file descriptors first."""


def _pooled(path: Path, opener: Callable[[Path], sqlite3.Connection]) -> sqlite3.Connection:
    """This thread's connection to the database at ``path`` (opened by
    ``opener``), made again when the file changed since (:func:`_identity`)."""
    pool: OrderedDict[str, tuple[sqlite3.Connection, tuple[int, ...]]] | None = getattr(_POOL, "open", None)
    if pool is None:
        pool = _POOL.open = OrderedDict()
    key = str(path)
    found = pool.get(key)
    if found is not None and found[1] == _identity(path):
        pool.move_to_end(key)
        return found[0]
    _unpool(path)
    db = opener(path)
    pool[key] = (db, _identity(path))
    while len(pool) > _POOL_SIZE:
        pool.popitem(last=False)[1][0].close()
    return db


def _identity(path: Path) -> tuple[int, ...]:
    """The file as it is now: replaced or rewritten (not just written to
    through the write-ahead log), it is opened again."""
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _unpool(path: Path) -> None:
    """Close this thread's connection to ``path``, if it has one."""
    pool = getattr(_POOL, "open", None)
    found = pool.pop(str(path), None) if pool is not None else None
    if found is not None:
        found[0].close()


class ParseCache:
    def __init__(self, folder: Path | None) -> None:
        self._usable = False
        self._seen: dict[str, Entry] = {}
        self._new: dict[str, tuple[bytes, bytes | None]] = {}
        self.path: Path | None = None if folder is None else folder / "parse.sqlite"
        if folder is not None:
            self._connect()

    # -- the database file ---------------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection | None:
        """The thread's pooled connection, asked for at each use: one this
        cache held could be closed by the pool meanwhile."""
        if not self._usable or self.path is None:
            return None
        try:
            return _pooled(self.path, self._open)
        except _FAULTS as exc:
            self._usable = False
            self._warn(f"cannot use it ({_why(exc)}); reading the files without it")
            return None

    def _connect(self, retry: bool = True) -> None:
        assert self.path is not None
        try:
            if self.path.exists() and not self.path.is_file():
                raise sqlite3.DatabaseError("not a file")
            _pooled(self.path, self._open)
            self._usable = True
        except _FAULTS as exc:
            self._usable = False
            if retry and _damaged(exc):
                self._set_aside(exc)
            else:
                self._warn(f"cannot use it ({_why(exc)}); reading the files without it")

    def _set_aside(self, exc: BaseException) -> None:
        """Move a damaged database aside and start a new one."""
        assert self.path is not None
        aside = self.path.with_name(self.path.name + ".damaged")
        try:
            _unpool(self.path)
            self._usable = False
            if aside.is_dir() and not aside.is_symlink():
                shutil.rmtree(aside)
            self.path.replace(aside)
            for extra in ("-wal", "-shm"):
                self.path.with_name(self.path.name + extra).unlink(missing_ok=True)
        except OSError as err:
            self._warn(
                f"it is damaged ({_why(exc)}) and cannot be moved aside ({_why(err)}); reading the files without it"
            )
            return
        self._warn(f"the database was damaged ({_why(exc)}); moved it to {aside.name} and started a new one")
        self._connect(retry=False)

    def _fault(self, exc: BaseException) -> None:
        """An error while using the database: move it aside if it is damaged, else do without it."""
        if _damaged(exc):
            self._set_aside(exc)
        else:
            if self.path is not None:
                _unpool(self.path)
            self._usable = False
            self._warn(f"cannot use it ({_why(exc)}); reading the files without it")

    def _warn(self, text: str) -> None:
        where = str(self.path)
        if where not in _WARNED:
            _WARNED.add(where)
            _log.warning("parse cache %s: %s", where, text)

    def _drop(self, table: str, key: str, why: str) -> None:
        """Forget one entry that cannot be trusted; its file is parsed again."""
        self._warn(f"dropped an entry that was {why} ({key}); what it held is read again from git")
        if self._db is None:
            return
        try:
            self._db.execute(f"DELETE FROM {table} WHERE key = ?", (key,))  # noqa: S608 - our names
        except _FAULTS as exc:
            self._fault(exc)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=5, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, facts BLOB, record BLOB)")
            db.execute("CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, data BLOB)")
            db.execute("CREATE TABLE IF NOT EXISTS history (key TEXT PRIMARY KEY, data BLOB)")
            row = db.execute("SELECT v FROM meta WHERE k = 'fingerprint'").fetchone()
            fingerprint = _fingerprint()
            if row is None or row[0] != fingerprint:
                db.execute("DELETE FROM entry")
                db.execute("DELETE FROM memo")
                db.execute("DELETE FROM history")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
        except BaseException:
            db.close()
            raise
        return db

    def _select(self, table: str, column: str, keys: list[str]) -> list[tuple[str, bytes]]:
        """(key, column) rows of ``table`` among ``keys``: point look-ups, or one scan for many keys."""
        assert self._db is not None and table in ("entry", "history") and column in ("facts", "data")
        if len(keys) > _BULK:
            want = set(keys)
            return [r for r in self._db.execute(f"SELECT key, {column} FROM {table}") if r[0] in want]  # noqa: S608
        rows = []
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows += self._db.execute(
                f"SELECT key, {column} FROM {table} WHERE key IN ({marks})",  # noqa: S608 - names checked above
                chunk,
            ).fetchall()
        return rows

    def _write(self, statements: list[tuple[str, list[tuple[Any, ...]]]]) -> bool:
        """Run ``executemany`` statements in one transaction; False when the cache could not take them."""
        if self._db is None:
            return False
        try:
            with self._db:
                self._db.execute("BEGIN")
                for statement, rows in statements:
                    self._db.executemany(statement, rows)
        except _FAULTS as exc:
            self._fault(exc)
            return False
        return True

    # -- parsed files -----------------------------------------------------------------

    def get_many(self, keys: Iterable[str]) -> dict[str, Entry]:
        """The cached entries among ``keys`` (each checked; a bad one is dropped)."""
        wanted = [k for k in keys if k not in self._seen]
        if wanted and self._db is not None:
            try:
                rows = self._select("entry", "facts", wanted)
            except _FAULTS as exc:
                self._fault(exc)
                rows = []
            for key, value in rows:
                payload = unseal(key, b"facts", value)
                entry = None if payload is None else _checked(payload, key.partition(":")[0])
                if entry is None:
                    self._drop("entry", key, "damaged" if payload is None else "not of the expected shape")
                else:
                    self._seen[key] = entry
        return {k: self._seen[k] for k in keys if k in self._seen}

    def get(self, key: str) -> Entry | None:
        return self.get_many([key]).get(key)

    def record(self, key: str) -> Any:
        """The whole parsed record for ``key``, or None when it is not cached."""
        if key in self._new:
            blob = self._new[key][1]
            return None if blob is None else _loads(blob)
        return self._sealed_dict("entry", "record", b"record", key)

    def put(self, key: str, entry: Entry, record: Any = None) -> None:
        self._seen[key] = entry
        self._new[key] = (marshal.dumps(entry), None if record is None else marshal.dumps(record))

    def put_marshaled(self, key: str, facts: bytes, record: bytes | None) -> Entry:
        """Store an entry already marshalled by a parsing process; return it decoded."""
        entry: Entry = _loads(facts)
        self._seen[key] = entry
        self._new[key] = (facts, record)
        return entry

    def save(self) -> None:
        """Write new entries in one transaction."""
        if not self._new:
            return
        rows = [
            (k, seal(k, b"facts", f), None if r is None else seal(k, b"record", r))
            for k, (f, r) in self._new.items()
        ]
        if self._write([("INSERT OR REPLACE INTO entry VALUES (?, ?, ?)", rows)]):
            self._new = {}

    # -- whole loads and histories ------------------------------------------------------

    def memo(self, key: str) -> dict[str, Any] | None:
        """A whole load's classified entries, saved under its listing's id."""
        return self._sealed_dict("memo", "data", b"memo", key)

    def _sealed_dict(self, table: str, column: str, label: bytes, key: str) -> dict[str, Any] | None:
        """The dict stored in ``table.column`` under ``key``, its seal (made
        with ``label``) checked; a damaged or wrongly shaped row is dropped."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(f"SELECT {column} FROM {table} WHERE key = ?", (key,)).fetchone()  # noqa: S608 - fixed names
        except _FAULTS as exc:
            self._fault(exc)
            return None
        if row is None or row[0] is None:
            return None
        payload = unseal(key, label, row[0])
        try:
            data = None if payload is None else _loads(payload)
        except _FAULTS:
            data = None
        if type(data) is not dict:
            self._drop(table, key, "damaged" if payload is None else "not of the expected shape")
            return None
        return data

    def reject_memo(self, key: str) -> None:
        """A memo whose contents the loader could not use: forget it."""
        self._drop("memo", key, "not of the expected shape")

    def put_memo(self, key: str, data: Any) -> None:
        """Keep a load's result for the next identical listing (the last few only)."""
        self._write(
            [
                (
                    "INSERT OR REPLACE INTO memo VALUES (?, ?)",
                    [(key, seal(key, b"memo", marshal.dumps(data)))],
                ),
                (
                    "DELETE FROM memo WHERE rowid NOT IN (SELECT rowid FROM memo ORDER BY rowid DESC LIMIT 4)",
                    [()],
                ),
            ]
        )

    def history(self, keys: list[str], fits: Callable[[Any], bool] | None = None) -> dict[str, Any]:
        """What was saved with :meth:`put_history` under these keys (each
        checked, and passed to ``fits`` if given; a bad one is dropped)."""
        if self._db is None or not keys:
            return {}
        try:
            rows = self._select("history", "data", keys)
        except _FAULTS as exc:
            self._fault(exc)
            return {}
        out = {}
        for key, value in rows:
            payload = unseal(key, b"history", value)
            try:
                data = None if payload is None else _loads(payload)
                ok = payload is not None and (fits is None or bool(fits(data)))
            except _FAULTS:
                ok = False
            if ok:
                out[key] = data
            else:
                self._drop("history", key, "damaged" if payload is None else "not of the expected shape")
        return out

    def put_history(self, rows: dict[str, Any]) -> None:
        """Keep what a commit's history is (commits never change), in one transaction."""
        if rows:
            sealed = [(k, seal(k, b"history", marshal.dumps(v))) for k, v in rows.items()]
            self._write([("INSERT OR REPLACE INTO history VALUES (?, ?)", sealed)])


def _checked(payload: bytes, kind: str) -> Entry | None:
    try:
        entry = _loads(payload)
    except _FAULTS:
        return None
    return entry if fits(kind, entry) else None


def _why(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
