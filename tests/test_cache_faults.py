"""The parse cache under fault: whatever happens to the SQLite file in
``.git/registry-cache/``, ``registry check`` and ``registry history`` give
the answer they give with no cache, and say once on stderr which cache
file they could not trust.

Faults are made in the real database file: random bytes in its pages, rows
swapped, a directory in its place, a read-only file, rows of the wrong
shape."""

from __future__ import annotations

import marshal
import os
import random
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builder import RegistryBuilder, cli

CACHE = Path(".git/registry-cache/parse.sqlite")
V3 = "models/fraud-detector/versions/3.yaml"


def run(root: Path, *args: str, cache: bool = True) -> tuple[int, str, list[str], list[str]]:
    """Exit code, stdout, stderr lines other than warnings, and the warnings."""
    proc = cli(root, *args, env={} if cache else {"REGISTRY_NO_CACHE": "1"})
    lines = proc.stderr.splitlines()
    warnings = [line for line in lines if line.startswith("registry: warning:")]
    assert "internal error" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, [line for line in lines if line not in warnings], warnings


def same_as_without_cache(root: Path, *args: str) -> list[str]:
    """Run with the cache as it is; assert the answer is the cache-less one; the warnings."""
    code, out, err, warnings = run(root, *args)
    assert (code, out, err) == run(root, *args, cache=False)[:3]
    assert len(warnings) <= 1, warnings
    for warning in warnings:
        assert str(root / CACHE) in warning, warning
    return warnings


@pytest.fixture
def broken(reg: RegistryBuilder) -> RegistryBuilder:
    """A registry of 40 models whose check fails on one file, with a warm
    cache (the tree, the good file as it was, and the history)."""
    for i in range(40):
        reg.model(f"m{i:02d}", description=f"Model {i}.", tags={"team": "t" * (i % 7)})
        for n in (1, 2):
            reg.version(f"m{i:02d}", n, "staging" if n == 2 else "none")
    reg.commit("forty models")
    assert run(reg.root, "check")[0] == 0  # caches the good v3
    reg.edit(V3, "stage: staging", "stage: nowhere")
    reg.commit("a stage that does not exist")
    assert run(reg.root, "check")[0] == 1  # caches the broken v3
    assert run(reg.root, "history", "--json")[0] == 0
    checkpoint(reg.root)
    return reg


def checkpoint(root: Path) -> None:
    """Fold the write-ahead log into the database file, so that faults made in it stick."""
    db = sqlite3.connect(root / CACHE)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def sql(root: Path, statement: str, *args: object) -> list[tuple[object, ...]]:
    db = sqlite3.connect(root / CACHE, isolation_level=None)
    try:
        return db.execute(statement, args).fetchall()
    finally:
        db.close()


def assert_recovers(root: Path, *args: str) -> None:
    """The run after a fault gives the same answer, and no warning: the cache was mended."""
    assert same_as_without_cache(root, *args) == []


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("where", ["anywhere", "page-headers"])
def test_random_bytes_in_the_database_pages(broken: RegistryBuilder, seed: int, where: str) -> None:
    path = broken.root / CACHE
    data = bytearray(path.read_bytes())
    page, size = 4096, 64 if where == "anywhere" else 16
    rng = random.Random(seed)
    for _ in range(3):
        first = 0 if where == "anywhere" else 1
        at = rng.randrange(first, len(data) // page) * page + rng.randrange(
            0, page - size if first == 0 else 16
        )
        data[at : at + size] = rng.randbytes(size)
    path.write_bytes(bytes(data))
    for args in (("check",), ("history", "--json"), ("check",)):
        same_as_without_cache(broken.root, *args)


def test_text_that_is_not_utf8_in_the_database(broken: RegistryBuilder) -> None:
    """SQLite hands back the bytes of a text column; Python cannot decode them."""
    path = broken.root / CACHE
    data = path.read_bytes()
    (value,) = sql(broken.root, "SELECT v FROM meta WHERE k = 'fingerprint'")[0]
    at = data.index(str(value).encode())
    path.write_bytes(data[:at] + b"\xff\xfe" + data[at + 2 :])
    assert same_as_without_cache(broken.root, "check")
    assert_recovers(broken.root, "check")
    assert (path.parent / "parse.sqlite.damaged").is_file()


def test_swapped_rows_do_not_hide_a_broken_file(broken: RegistryBuilder) -> None:
    blobs = [broken.git("rev-parse", f"HEAD{rev}:{V3}").strip() for rev in ("~1", "")]
    good, bad = (f"version:{b}" for b in blobs)
    rows = dict(sql(broken.root, "SELECT key, facts FROM entry WHERE key IN (?, ?)", good, bad))
    assert rows.keys() == {good, bad}
    sql(broken.root, "UPDATE entry SET facts = ? WHERE key = ?", rows[good], bad)
    sql(broken.root, "UPDATE entry SET facts = ? WHERE key = ?", rows[bad], good)
    sql(broken.root, "DELETE FROM memo")  # the work tree's memo would answer first
    warnings = same_as_without_cache(broken.root, "check")
    assert warnings, "a swapped row is noticed"
    assert_recovers(broken.root, "check")


def test_swapped_history_rows_do_not_move_events(broken: RegistryBuilder) -> None:
    rows = sql(broken.root, "SELECT key, data FROM history ORDER BY key")
    assert len(rows) >= 3
    (k1, d1), (k2, d2) = rows[0], rows[-1]
    sql(broken.root, "UPDATE history SET data = ? WHERE key = ?", d2, k1)
    sql(broken.root, "UPDATE history SET data = ? WHERE key = ?", d1, k2)
    assert same_as_without_cache(broken.root, "history", "--json")
    assert_recovers(broken.root, "history", "--json")


def test_a_directory_where_the_database_should_be(reg: RegistryBuilder) -> None:
    reg.edit(V3, "stage: staging", "stage: nowhere")
    folder = reg.root / CACHE.parent
    folder.mkdir(parents=True)
    (folder / CACHE.name).mkdir()
    assert same_as_without_cache(reg.root, "check")
    assert_recovers(reg.root, "check")
    assert (reg.root / CACHE).is_file()


def test_a_file_where_the_cache_folder_should_be(reg: RegistryBuilder) -> None:
    (reg.root / CACHE.parent).write_text("not a folder")
    assert same_as_without_cache(reg.root, "check")


@pytest.fixture
def read_only(broken: RegistryBuilder) -> Iterator[RegistryBuilder]:
    """The cache file and its folder made read-only (immutable, for root)."""
    folder = broken.root / CACHE.parent
    for extra in folder.glob("parse.sqlite-*"):
        extra.unlink()
    targets = [broken.root / CACHE, folder]
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("root ignores file modes, and there is no chattr to make the cache immutable")
        for target in targets:
            proc = subprocess.run(["chattr", "+i", str(target)], capture_output=True)
            if proc.returncode != 0:
                pytest.skip(f"cannot make the cache immutable here: {proc.stderr.decode().strip()}")
        yield broken
        for target in reversed(targets):
            subprocess.run(["chattr", "-i", str(target)], check=True)
    else:
        (broken.root / CACHE).chmod(0o444)
        folder.chmod(0o555)
        yield broken
        folder.chmod(0o755)
        (broken.root / CACHE).chmod(0o644)


def test_a_read_only_cache(read_only: RegistryBuilder) -> None:
    read_only.edit(V3, "stage: nowhere", "stage: staging")  # a file the cache does not know
    for args in (("check",), ("history", "--json"), ("check",)):
        warnings = same_as_without_cache(read_only.root, *args)
        assert warnings, "a cache that cannot be written is said once per run"


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("entry", "facts", 42),
        ("entry", "facts", (("production", 3), [])),
        ("entry", "facts", (None, [("schema", 1)])),
        ("entry", "record", [1, 2, 3]),
        ("memo", "data", {"models/fraud-detector/versions/3.yaml": ("x", "y", ("t", "version"))}),
        ("memo", "data", [1, 2]),
        ("history", "data", ("archived", [("model_created", None)])),
        ("history", "data", "text"),
    ],
)
def test_rows_of_the_wrong_shape(broken: RegistryBuilder, table: str, column: str, value: object) -> None:
    sql(broken.root, f"UPDATE {table} SET {column} = ?", marshal.dumps(value))
    args = ("history", "--json") if table == "history" else ("check",)
    warnings = same_as_without_cache(broken.root, *args)
    if table == "entry":  # the whole record is read by commands that show it
        warnings += same_as_without_cache(broken.root, "show", "m07/2")
    assert warnings
    assert_recovers(broken.root, *args)


def test_entries_of_the_wrong_shape_written_by_the_cache_itself(broken: RegistryBuilder) -> None:
    """A shape the loader cannot use is refused even when the row is intact
    (a format change that forgot to bump the cache's version)."""
    from registry.load import cache_for

    (broken.root / V3).write_text(broken.read(V3).replace("stage: nowhere", "stage: staging"))
    v3 = f"version:{broken.git('hash-object', V3).strip()}"
    m07 = f"version:{broken.git('rev-parse', 'HEAD:models/m07/versions/2.yaml').strip()}"
    sql(broken.root, "DELETE FROM memo")
    cache = cache_for(broken.root)
    good = cache.get(m07)
    assert good is not None
    cache.put(v3, ("staging", "artifacts/3/model.bin"), {"stage": "staging"})  # type: ignore[arg-type]
    cache.put(m07, good, ["not", "a", "record"])
    cache.save()
    assert same_as_without_cache(broken.root, "check")
    assert_recovers(broken.root, "check")
    assert same_as_without_cache(broken.root, "show", "m07/2")
    assert_recovers(broken.root, "show", "m07/2")
