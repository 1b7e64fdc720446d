"""Reading records fast, by text: each blob read once and cut into its
top-level entries, and only entries whose text differs parsed (each
distinct text once). What history compares are these entries' values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from registry import git, limits, yamlsafe


class _Unreadable(Exception):
    """An entry's text is not valid YAML: raised by :meth:`_Records.value`
    and caught by its callers here, so it never leaves history."""


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

    def mapping(self, blob: str | None) -> dict[str, Any] | None:
        """The whole record: key -> value (None for an entry that cannot be
        read); None for an unreadable record."""
        entries = self.entries(blob)
        if entries is None:
            return None
        out: dict[str, Any] = {}
        for key, text in entries.items():
            try:
                out[key.decode("utf-8", "surrogatepass")] = self.value(text)
            except _Unreadable:
                out[key.decode("utf-8", "surrogatepass")] = None
        return out

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
    text, in one pass; anything else is parsed whole. An invalid record gives
    None, and so does one over ``limits.MAX_BYTES``, which the loader refuses too."""
    if len(data) > limits.MAX_BYTES:
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


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
