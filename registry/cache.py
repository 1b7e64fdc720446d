"""Parse cache keyed by git blob id.

A blob id names exact bytes, so what was learnt from a file (its problems,
and the facts the cross-file rules need) can be reused for as long as the
bytes do not change, in the work tree or at any revision. Keys are
``<kind>:<blob id>``.

The cache is one SQLite database under the repository's git directory
(stdlib, safe under concurrent runs, and updated row by row: a one-record
change writes one row, not the whole cache). Each row holds two ``marshal``
strings: the facts and problems, read on every load, and the whole record,
decoded only when a command asks for it. marshal holds only plain data; a
corrupt, foreign or unwritable database is ignored and the load goes on
without it.
"""

from __future__ import annotations

import hashlib
import marshal
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Bump when the parser, the facts or the cached shape change.
FORMAT = 7
_BULK = 2_000  # above this many keys, one table scan beats point look-ups

ProblemTuple = tuple[str, str, Any, tuple[Any, ...], bool]
Entry = tuple[Any, list[ProblemTuple]]


def _fingerprint() -> str:
    from registry import __version__, schemas

    digest = hashlib.sha1(f"{FORMAT} {__version__}".encode())  # noqa: S324 - a fingerprint, not security
    for name in schemas.NAMES:
        digest.update(schemas.schema_text(name).encode())
    return digest.hexdigest()


def _loads(data: bytes) -> Any:
    return marshal.loads(data)  # noqa: S302 - our own database, plain data only


class ParseCache:
    def __init__(self, folder: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        self._seen: dict[str, Entry] = {}
        self._new: dict[str, tuple[bytes, bytes | None]] = {}
        if folder is None:
            return
        for attempt in (1, 2):
            try:
                self._db = self._open(folder)
                return
            except sqlite3.DatabaseError:
                if attempt == 1:  # not a database, or a damaged one: start afresh
                    for stale in folder.glob("parse.sqlite*"):
                        stale.unlink(missing_ok=True)
            except (OSError, sqlite3.Error):
                return

    @staticmethod
    def _open(folder: Path) -> sqlite3.Connection:
        folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(folder / "parse.sqlite", timeout=5, isolation_level=None)
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

    def get_many(self, keys: Iterable[str]) -> dict[str, Entry]:
        """The cached entries among ``keys``."""
        wanted = [k for k in keys if k not in self._seen]
        if wanted and self._db is not None:
            try:
                for key, facts in self._select("entry", "facts", wanted):
                    self._seen[key] = _loads(facts)
            except (sqlite3.Error, ValueError, EOFError, TypeError):
                pass
        return {k: self._seen[k] for k in keys if k in self._seen}

    def get(self, key: str) -> Entry | None:
        return self.get_many([key]).get(key)

    def record(self, key: str) -> Any:
        """The whole parsed record for ``key``, or None when it is not cached."""
        if key in self._new:
            blob = self._new[key][1]
            return None if blob is None else _loads(blob)
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT record FROM entry WHERE key = ?", (key,)).fetchone()
            return None if row is None or row[0] is None else _loads(row[0])
        except (sqlite3.Error, ValueError, EOFError, TypeError):
            return None

    def memo(self, key: str) -> Any:
        """A whole load's classified entries, saved under its listing's id."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT data FROM memo WHERE key = ?", (key,)).fetchone()
            return None if row is None else _loads(row[0])
        except (sqlite3.Error, ValueError, EOFError, TypeError):
            return None

    def put_memo(self, key: str, data: Any) -> None:
        """Keep a load's result for the next identical listing (the last few only)."""
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.execute("INSERT OR REPLACE INTO memo VALUES (?, ?)", (key, marshal.dumps(data)))
                self._db.execute(
                    "DELETE FROM memo WHERE rowid NOT IN (SELECT rowid FROM memo ORDER BY rowid DESC LIMIT 4)"
                )
        except (sqlite3.Error, ValueError):
            pass

    def history(self, keys: list[str]) -> dict[str, Any]:
        """What was saved with :meth:`put_history` under these keys."""
        if self._db is None or not keys:
            return {}
        try:
            return {key: _loads(data) for key, data in self._select("history", "data", keys)}
        except (sqlite3.Error, ValueError, EOFError, TypeError):
            return {}

    def put_history(self, rows: dict[str, Any]) -> None:
        """Keep what a commit's history is (commits never change), in one transaction."""
        if self._db is None or not rows:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO history VALUES (?, ?)",
                    [(k, marshal.dumps(v)) for k, v in rows.items()],
                )
        except (sqlite3.Error, ValueError):
            pass

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
        if self._db is None or not self._new:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO entry VALUES (?, ?, ?)",
                    [(k, f, r) for k, (f, r) in self._new.items()],
                )
        except sqlite3.Error:
            return
        self._new = {}
