"""Parse cache keyed by git blob id.

A blob id names exact bytes, so what was learnt from a file (its problems,
and the facts the cross-file rules need) can be reused for as long as the
bytes do not change, in the work tree or at any revision. Two ``marshal``
files live under the repository's git directory:

* ``facts.marshal``: key -> (facts, problems), small, read on every load;
* ``records.marshal``: key -> the whole record, each stored as its own
  marshal string and decoded only when a command asks for that record.

marshal holds only plain data (no code runs on load) and a corrupt or
foreign file is ignored and rebuilt. Keys are ``<kind>:<blob id>``.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

# Bump when the parser, the facts or the cached shape change.
FORMAT = 4
_MAGIC = b"registry-parse-cache\n"

ProblemTuple = tuple[str, str, Any, tuple[Any, ...], bool]
Entry = tuple[Any, list[ProblemTuple]]


def _header() -> bytes:
    from registry import schemas

    digest = hashlib.sha1(str(FORMAT).encode())  # noqa: S324 - a fingerprint, not security
    for name in schemas.NAMES:
        digest.update(schemas.schema_text(name).encode())
    return _MAGIC + digest.hexdigest().encode() + b"\n"


def _read(path: Path, header: bytes) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(header):
        return {}
    try:
        loaded = marshal.loads(data[len(header) :])  # noqa: S302 - our own file, plain data only
    except (ValueError, EOFError, TypeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _write(path: Path, header: bytes, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(header)
            marshal.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ParseCache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._header = _header()
        self._facts: dict[str, Entry] = {}
        self._records: dict[str, bytes] | None = None
        self._new_facts: dict[str, Entry] = {}
        self._new_records: dict[str, bytes] = {}
        self._used: set[str] = set()
        if folder is not None:
            self._facts = _read(folder / "facts.marshal", self._header)

    def get(self, key: str) -> Entry | None:
        hit = self._new_facts.get(key) or self._facts.get(key)
        if hit is not None:
            self._used.add(key)
        return hit

    def record(self, key: str) -> Any:
        """The whole parsed record for ``key``, or None when it is not cached."""
        blob = self._new_records.get(key)
        if blob is None:
            if self._records is None:
                self._records = _read(self.folder / "records.marshal", self._header) if self.folder else {}
            blob = self._records.get(key)
        return None if blob is None else marshal.loads(blob)  # noqa: S302 - see above

    def put(self, key: str, entry: Entry, record: Any = None) -> None:
        self._new_facts[key] = entry
        if record is not None:
            self._new_records[key] = marshal.dumps(record)
        self._used.add(key)

    def save(self) -> None:
        """Write what is new, atomically; drop entries no recent load used."""
        if self.folder is None or not self._new_facts:
            return
        facts = {**self._facts, **self._new_facts}
        if self._records is None:
            self._records = _read(self.folder / "records.marshal", self._header)
        records = {**self._records, **self._new_records}
        if len(facts) > 3 * max(len(self._used), 20_000):
            facts = {k: v for k, v in facts.items() if k in self._used}
            records = {k: v for k, v in records.items() if k in self._used}
        try:
            _write(self.folder / "records.marshal", self._header, records)
            _write(self.folder / "facts.marshal", self._header, facts)
        except OSError:
            return  # a read-only repository still works, just without the cache
        self._facts, self._records = facts, records
        self._new_facts, self._new_records = {}, {}
