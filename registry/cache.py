"""Parse cache keyed by git blob id.

A blob id names exact bytes, so a parsed record (or the problems found in
it) can be reused for as long as the bytes do not change, in the work tree
or at any revision. The cache is one ``marshal`` file under the repository's
git directory: marshal holds only plain data (no code runs on load), loads
~20,000 records in milliseconds, and a corrupt or foreign file is simply
ignored and rebuilt.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

# Bump when the parser, the schemas or the cached shape change.
FORMAT = 3
_MAGIC = b"registry-parse-cache\n"

Entry = tuple[Any, list[tuple[str, str, Any, tuple[Any, ...], bool]]]


def _fingerprint() -> bytes:
    import hashlib

    from registry import schemas

    digest = hashlib.sha1(str(FORMAT).encode())  # noqa: S324
    for name in schemas.NAMES:
        digest.update(schemas.schema_text(name).encode())
    return digest.hexdigest().encode() + b"\n"


class ParseCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._old: dict[str, Entry] = {}
        self._new: dict[str, Entry] = {}
        self._used: set[str] = set()
        self._header = _MAGIC + _fingerprint()
        if path is not None:
            try:
                data = path.read_bytes()
                if data.startswith(self._header):
                    loaded = marshal.loads(data[len(self._header) :])  # noqa: S302 - our own file, plain data
                    if isinstance(loaded, dict):
                        self._old = loaded
            except (OSError, ValueError, EOFError, TypeError):
                self._old = {}

    def get(self, key: str) -> Entry | None:
        hit = self._new.get(key) or self._old.get(key)
        if hit is not None:
            self._used.add(key)
        return hit

    def put(self, key: str, value: Entry) -> None:
        self._new[key] = value
        self._used.add(key)

    def save(self) -> None:
        """Write the cache atomically if anything new was parsed."""
        if self.path is None or not self._new:
            return
        merged = {**self._old, **self._new}
        if len(merged) > 4 * max(len(self._used), 10_000):
            merged = {k: v for k, v in merged.items() if k in self._used}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".parse-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(self._header)
                marshal.dump(merged, fh)
            os.replace(tmp, self.path)
        except OSError:
            # A read-only repository still works, just without the cache.
            pass
        self._old, self._new = merged, {}
