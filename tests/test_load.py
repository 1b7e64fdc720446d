"""Loading from the work tree and from revisions, and the blob-id parse cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import registry.load as load_module
import registry.parse as parse_module
from registry.load import load
from tests.builder import RegistryBuilder

V3 = "models/fraud-detector/versions/3.yaml"


def test_loads_models_versions_and_aliases(reg: RegistryBuilder) -> None:
    loaded = load(reg.root)
    fraud = loaded.models["fraud-detector"]
    assert sorted(fraud.versions) == [1, 2, 3]
    assert fraud.model.aliases == {"champion": 2, "challenger": 3}
    assert fraud.versions[3].lineage.parents[0].model == "base-encoder"
    assert loaded.problems == []


def test_revision_is_read_from_git_objects_not_the_work_tree(reg: RegistryBuilder) -> None:
    first = reg.git("rev-parse", "HEAD").strip()
    reg.edit(V3, "stage: staging", "stage: none")
    reg.version("fraud-detector", 4, "staging")
    reg.commit("v4")
    reg.edit(V3, "stage: none", "stage: archived")  # uncommitted
    assert load(reg.root, first).models["fraud-detector"].versions[3].stage == "staging"
    assert 4 not in load(reg.root, first).models["fraud-detector"].versions
    assert load(reg.root, "HEAD").models["fraud-detector"].versions[3].stage == "none"
    assert load(reg.root).models["fraud-detector"].versions[3].stage == "archived"
    assert reg.git("status", "--porcelain").strip() == f"M {V3}"


def test_work_tree_sees_untracked_and_deleted_files(reg: RegistryBuilder) -> None:
    reg.version("fraud-detector", 4, "none")
    (reg.root / "models/base-encoder/versions/1.yaml").unlink()
    loaded = load(reg.root)
    assert 4 in loaded.models["fraud-detector"].versions
    assert loaded.models["base-encoder"].versions == {}


def test_second_load_does_not_parse_again(reg: RegistryBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    load(reg.root)
    assert (reg.root / ".git" / "registry-cache" / "parse.sqlite").is_file()

    def refuse(*args: object) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(load_module, "parse_all", refuse)
    monkeypatch.setattr(load_module, "parse_file", refuse)
    assert sorted(load(reg.root).models) == ["base-encoder", "fraud-detector"]
    # The same bytes at a revision share the cache (same blob id).
    assert sorted(load(reg.root, "HEAD").models) == ["base-encoder", "fraud-detector"]


def test_changed_file_is_parsed_again(reg: RegistryBuilder) -> None:
    load(reg.root)
    reg.edit(V3, "stage: staging", "stage: none")
    assert load(reg.root).models["fraud-detector"].versions[3].stage == "none"


def test_corrupt_cache_is_ignored_and_rebuilt(reg: RegistryBuilder) -> None:
    load(reg.root)
    folder = reg.root / ".git" / "registry-cache"
    for extra in folder.glob("parse.sqlite-*"):
        extra.unlink()
    (folder / "parse.sqlite").write_bytes(b"garbage" * 1000)
    assert sorted(load(reg.root).models) == ["base-encoder", "fraud-detector"]
    assert (folder / "parse.sqlite").read_bytes().startswith(b"SQLite format 3")
    reg.edit(V3, "stage: staging", "stage: none")
    load(reg.root)
    assert load(reg.root).models["fraud-detector"].versions[3].stage == "none"


def test_problems_are_cached_too(reg: RegistryBuilder) -> None:
    reg.write(V3, b"stage: [\n")
    first = [p.rule for p in reg.check()]
    assert first == [p.rule for p in reg.check()]
    assert "yaml-syntax" in first


def test_plain_folder_without_git_loads(tmp_path: Path) -> None:
    builder = RegistryBuilder(tmp_path / "repo")
    builder.baseline()
    import shutil

    plain = tmp_path / "plain"
    shutil.copytree(builder.root, plain, ignore=shutil.ignore_patterns(".git"))
    loaded = load(plain)
    assert sorted(loaded.models["fraud-detector"].versions) == [1, 2, 3]
    from registry.check import check

    assert check(plain) == []


def test_registry_yaml_is_optional(reg: RegistryBuilder) -> None:
    (reg.root / "registry.yaml").unlink()
    loaded = load(reg.root)
    assert loaded.config.stages == ("none", "staging", "production", "archived")
    assert reg.check() == []


def test_parallel_parse_matches_serial_parse(reg: RegistryBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(4, 30):
        reg.version("fraud-detector", n, "none")
    reg.write("models/fraud-detector/versions/30.yaml", b"stage: [broken\n")
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    monkeypatch.setenv("REGISTRY_NO_PARALLEL", "1")
    serial = reg.check()
    monkeypatch.delenv("REGISTRY_NO_PARALLEL")
    monkeypatch.setattr(parse_module, "_PARALLEL_FROM", 10)
    parallel = reg.check()
    assert parallel == serial
    assert {p.rule for p in serial} >= {"yaml-syntax"}
    loaded = load(reg.root)
    assert loaded.models["fraud-detector"].versions[29].metrics == {"f1": 0.95}


def test_unchanged_files_are_not_classified_or_parsed_again(
    reg: RegistryBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg.write("models/Bad/model.yaml", "{}\n")
    reg.commit("a bad folder name")
    first = reg.check()
    assert ("invalid-name", "models/Bad") in {(p.rule, p.path) for p in first}
    assert reg.check(base="HEAD") == first

    seen: list[str] = []
    real = load_module._outcome

    def spy(path: str, entry: object) -> object:
        seen.append(path)
        return real(path, entry)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module, "_outcome", spy)
    assert reg.check() == first
    assert seen == []
    reg.edit(V3, "stage: staging", "stage: none")
    assert load(reg.root).models["fraud-detector"].versions[3].stage == "none"
    assert seen == [V3]


def test_many_loads_keep_a_few_files_open(reg: RegistryBuilder) -> None:
    """Each load's cache used to keep its own SQLite connection until the
    garbage collector came: a GTO import of 9,000 tags ran out of descriptors."""
    import gc

    gc.disable()  # the collector must not be what closes them
    try:
        load(reg.root)
        before = len(os.listdir("/proc/self/fd"))
        kept = [load(reg.root) for _ in range(200)]  # held, as views and closures hold them
        assert len(os.listdir("/proc/self/fd")) <= before + 2, len(kept)
    finally:
        gc.enable()
