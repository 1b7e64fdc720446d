"""registry delete and restore: tombstones that keep the audit trail, bytes
purged from the cache and the remote only where no other version uses them,
and a deleted model's name that comes back only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry import Registry, write
from registry.check import check
from registry.dvc import object_in
from registry.errors import NotFound, UsageError, WriteRefused
from tests.builder import RegistryBuilder, cli


def remote_objects(remote: Path) -> set[str]:
    """The md5 of every object in a folder remote (DVC 3's files/md5/xx/rest)."""
    root = remote / "files" / "md5"
    return {p.parent.name + p.name for p in root.glob("*/*")} if root.is_dir() else set()


def cache_objects(repo: RegistryBuilder) -> set[str]:
    root = repo.root / ".dvc" / "cache" / "files" / "md5"
    return {p.parent.name + p.name for p in root.glob("*/*")}


def model_file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "src" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def folder(tmp_path: Path, name: str, files: dict[str, bytes]) -> Path:
    root = tmp_path / "src" / name
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def test_delete_a_version_leaves_a_tombstone_and_keeps_the_number(
    dvc_repo: RegistryBuilder, tmp_path: Path
) -> None:
    root = dvc_repo.root
    write.register(
        root, "clf", model_file(tmp_path, "m.bin", b"one"), metrics={"f1": 0.9}, description="first"
    )
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"two"), metrics={"f1": 0.91})
    proc = cli(root, "delete", "clf/1", "--reason", "trained on the wrong split")
    assert proc.returncode == 0, proc.stderr
    assert "delete clf v1" in proc.stdout
    v1 = Registry(root).get("clf/1")
    assert v1.deleted is not None and v1.deleted.reason == "trained on the wrong split"
    assert v1.deleted.by == "author@example.com" and not v1.deleted.purged
    assert v1.stage == "archived" and v1.metrics == {"f1": 0.9} and v1.description == "first\n"
    assert not (root / "models/clf/artifacts/1").exists()  # the pointer, .gitignore and bytes
    assert check(root) == []
    assert check(root, base="HEAD~1") == []  # the checker allows a tombstone in a pull request
    log = dvc_repo.git("log", "-1", "--format=%B")
    assert "Registry-Action: delete" in log and "Reason: trained on the wrong split" in log
    # the number is never reused; latest and pulls skip the tombstone
    again = write.register(root, "clf", model_file(tmp_path, "m.bin", b"three"))
    assert again[1] == 3
    assert Registry(root).get("models:/clf/latest").number == 3
    refused = cli(root, "pull", "models:/clf/1")
    assert refused.returncode == 1 and "clf v1 was deleted on" in refused.stderr
    shown = cli(root, "show", "clf/1").stdout
    assert "deleted:" in shown and "trained on the wrong split" in shown
    # deleted twice: refused, and nothing changes
    head = dvc_repo.git("rev-parse", "HEAD")
    with pytest.raises(WriteRefused, match="already deleted"):
        write.delete(root, "clf", 1, reason="again")
    assert dvc_repo.git("rev-parse", "HEAD") == head


def test_a_version_with_an_alias_is_refused(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    root = dvc_repo.root
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"one"))
    write.set_alias(root, "clf", "champion", 1)
    head = dvc_repo.git("rev-parse", "HEAD")
    proc = cli(root, "delete", "clf/1", "--reason", "x")
    assert proc.returncode == 1
    assert "clf v1 is @champion: move or remove the alias first" in proc.stderr
    assert dvc_repo.git("rev-parse", "HEAD") == head
    assert (root / "models/clf/artifacts/1/m.bin.dvc").is_file()
    # and an alias cannot be pointed at a tombstone, by the command or by hand
    write.delete_alias(root, "clf", "champion")
    write.delete(root, "clf", 1, reason="bad")
    for change in (
        lambda: write.set_alias(root, "clf", "champion", 1),
        lambda: write.promote(root, "clf", 1, "staging"),
        lambda: write.set_tag(root, "clf", 1, "k", "v"),
        lambda: write.describe(root, "clf", 1, "back"),
    ):
        with pytest.raises(WriteRefused, match=r"clf v1 was deleted on .* a tombstone does not change"):
            change()
    dvc_repo.write("models/clf/model.yaml", "aliases: {champion: 1}\n")
    problems = [(p.rule, p.message) for p in check(root)]
    assert ("alias-target", "alias 'champion' points to version 1, which was deleted") in problems


def test_purge_removes_bytes_no_other_version_uses(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    root = dvc_repo.root
    remote = tmp_path / "remote"
    shared = b"tokenizer shared by both checkpoints"
    a = folder(tmp_path, "ckpt", {"weights.bin": b"weights of v1", "tokenizer.json": shared})
    write.register(root, "enc", a, push=True)
    b = folder(tmp_path / "b", "ckpt", {"weights.bin": b"weights of v2", "tokenizer.json": shared})
    write.register(root, "enc", b, push=True)
    v1 = Registry(root).get("enc/1")
    v2 = Registry(root).get("enc/2")
    from registry.dvc_objects import manifest_files

    listed = manifest_files(root, [v1.artifact.md5, v2.artifact.md5])
    own = {v1.artifact.md5, *(listed[v1.artifact.md5] or ())} - {*(listed[v2.artifact.md5] or ())}
    common = set(listed[v1.artifact.md5] or ()) & set(listed[v2.artifact.md5] or ())
    assert len(own) == 2 and len(common) == 1  # the manifest and weights; the tokenizer
    assert own | common <= remote_objects(remote) and own | common <= cache_objects(dvc_repo)
    done = Registry(root).delete("enc", 1, reason="licence withdrawn", purge=True)
    assert done.versions == (1,) and done.kept == 1
    assert done.purged is not None and (done.purged.cache, done.purged.remote) == (2, 2)
    assert not own & remote_objects(remote) and not own & cache_objects(dvc_repo)
    assert common <= remote_objects(remote) and common <= cache_objects(dvc_repo)
    tomb = Registry(root).get("enc/1")
    assert tomb.deleted is not None and tomb.deleted.purged
    # the other version still pulls whole, from the remote alone
    import shutil

    shutil.rmtree(root / ".dvc" / "cache")
    got = Registry(root).pull("enc/2", tmp_path / "out")
    assert (got / "tokenizer.json").read_bytes() == shared
    assert (got / "weights.bin").read_bytes() == b"weights of v2"
    assert check(root) == [] and check(root, base="HEAD~1") == []


def test_purge_after_a_reviewed_deletion_and_redact(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    root = dvc_repo.root
    remote = tmp_path / "remote"
    write.register(
        root,
        "clf",
        model_file(tmp_path, "m.bin", b"forget me"),
        metrics={"f1": 0.8},
        params={"rows": 10},
        description="trained on customer 42",
        data=(),
        push=True,
    )
    md5 = Registry(root).get("clf/1").artifact.md5
    assert md5 in remote_objects(remote)
    refused = cli(root, "delete", "clf/1", "--reason", "x", "--purge", "--branch")
    assert refused.returncode == 2 and "after it is merged" in refused.stderr
    # the deletion as a pull request: a branch, the work tree left alone
    proc = cli(root, "delete", "clf/1", "--reason", "GDPR request 17", "--redact", "--branch", "del")
    assert proc.returncode == 0, proc.stderr
    assert (root / "models/clf/artifacts/1/m.bin.dvc").is_file()
    assert check(root, rev="del", base="HEAD") == []
    dvc_repo.git("merge", "-q", "--ff-only", "del")
    tomb = Registry(root).get("clf/1")
    assert tomb.deleted is not None and tomb.deleted.redacted and not tomb.deleted.purged
    assert (tomb.metrics, tomb.params, tomb.description) == ({}, {}, "")
    assert "customer 42" not in (root / "models/clf/versions/1.yaml").read_text()
    # after the merge: purge, which also marks the tombstone
    proc = cli(root, "delete", "clf/1", "--reason", "GDPR request 17", "--purge")
    assert proc.returncode == 0, proc.stderr
    assert "purged: 1 object (" in proc.stdout and "1 from remote store" in proc.stdout
    assert md5 not in remote_objects(remote) and md5 not in cache_objects(dvc_repo)
    assert not object_in(root / ".dvc" / "cache", md5).exists()
    assert not (root / "models/clf/artifacts/1").exists()
    marked = Registry(root).get("clf/1")
    assert marked.deleted is not None and marked.deleted.purged
    assert check(root, base="HEAD~1") == []


def test_a_tombstone_cannot_change_or_be_removed(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    root = dvc_repo.root
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"one"), metrics={"f1": 0.9})
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"two"))
    write.delete(root, "clf", 1, reason="bad")
    text = (root / "models/clf/versions/1.yaml").read_text()
    dvc_repo.write("models/clf/versions/1.yaml", text.replace("reason: bad", "reason: fine"))
    rules = [p.rule for p in check(root, base="HEAD")]
    assert rules == ["undeleted"]
    dvc_repo.write("models/clf/versions/1.yaml", text.replace("\ndeleted:", "\nold_deleted:"))
    assert "schema" in [p.rule for p in check(root)]
    dvc_repo.write("models/clf/versions/1.yaml", text)
    (root / "models/clf/versions/1.yaml").unlink()
    assert "version-removed" in [p.rule for p in check(root, base="HEAD")]
    dvc_repo.write("models/clf/versions/1.yaml", text)
    # a tombstone keeps no pointer and stays archived
    dvc_repo.write("models/clf/versions/1.yaml", text.replace("stage: archived", "stage: staging"))
    assert [p.rule for p in check(root)] == ["tombstone"]
    # a deletion by hand must not change what it keeps: a metric edited on the way is refused
    dvc_repo.git("checkout", "-q", "--", "models/clf")
    live = (root / "models/clf/versions/2.yaml").read_text()
    (root / "models/clf/artifacts/2/m.bin.dvc").unlink()
    (root / "models/clf/artifacts/2/.gitignore").unlink()
    dvc_repo.write(
        "models/clf/versions/2.yaml",
        live.replace("stage: none", "stage: archived")
        + "metrics: {f1: 0.99}\ndeleted: {at: 2026-12-01T10:00:00Z, by: a@example.com, reason: x}\n",
    )
    assert [p.rule for p in check(root, base="HEAD")] == ["immutable-field"]
    dvc_repo.write(
        "models/clf/versions/2.yaml",
        live.replace("stage: none", "stage: archived")
        + "deleted: {at: 2026-12-01T10:00:00Z, by: a@example.com, reason: x}\n",
    )
    assert check(root, base="HEAD") == []


def test_delete_a_model_then_restore_or_reuse_its_name(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    root = dvc_repo.root
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"one"))
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"two"))
    write.set_alias(root, "clf", "champion", 2)
    write.set_alias(root, "clf", "challenger", 1)
    write.set_traffic(root, "clf", {"champion": 80, "challenger": 20})
    refused = cli(root, "delete", "clf/1", "--reason", "x")
    assert refused.returncode == 1 and "clf v1 is @challenger" in refused.stderr
    proc = cli(root, "delete", "clf", "--reason", "product retired")
    assert proc.returncode == 0, proc.stderr
    assert "delete model clf (2 versions)" in proc.stdout
    reg = Registry(root)
    assert reg.model("clf").model.deleted is not None
    assert reg.model("clf").model.aliases == {} and reg.model("clf").model.traffic == {}
    body = dvc_repo.git("log", "-1", "--format=%b")
    assert "Removes @challenger (v1), @champion (v2).\nEnds its traffic split." in body
    assert all(reg.get(f"clf/{n}").deleted for n in (1, 2))
    assert check(root) == [] and check(root, base="HEAD~1") == []
    with pytest.raises(NotFound, match="model clf was deleted"):
        reg.get("models:/clf@champion")
    with pytest.raises(NotFound, match="model clf was deleted"):
        reg.get("models:/clf/latest")
    # the name does not come back by accident
    head = dvc_repo.git("rev-parse", "HEAD")
    refused = cli(
        root, "register", "clf", str(model_file(tmp_path, "m.bin", b"new")), "--code-commit", "abcdef1"
    )
    assert refused.returncode == 1 and "--reuse-name" in refused.stderr
    assert dvc_repo.git("rev-parse", "HEAD") == head
    # by hand, a new live version in a deleted model is refused by the checker
    # register --reuse-name: one commit, numbered after the tombstones
    _, number = write.register(root, "clf", model_file(tmp_path, "m.bin", b"new"), reuse_name=True)
    assert number == 3
    assert dvc_repo.git("log", "-1", "--format=%s").strip() == "register clf v3 (name reused)"
    reg = Registry(root)
    assert reg.model("clf").model.deleted is None and reg.get("models:/clf/latest").number == 3
    with pytest.raises(NotFound):
        reg.get("models:/clf@champion")
    assert check(root) == [] and check(root, base="HEAD~1") == []
    # delete it again, and restore it explicitly
    write.delete(root, "clf", 3, reason="x")
    Registry(root).delete("clf", reason="again")
    proc = cli(root, "restore", "clf", "--reason", "needed after all")
    assert proc.returncode == 0, proc.stderr
    assert "restore model clf" in proc.stdout
    assert Registry(root).model("clf").model.deleted is None
    with pytest.raises(WriteRefused, match="not deleted"):
        Registry(root).restore("clf")
    assert check(root) == []


def test_a_deleted_model_with_a_live_version_is_refused(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    root = dvc_repo.root
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"one"))
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"two"))
    write.delete(root, "clf", 1, reason="x")
    dvc_repo.write(
        "models/clf/model.yaml",
        "deleted: {at: 2026-12-01T10:00:00Z, by: a@example.com, reason: gone}\n",
    )
    problems = [(p.rule, p.path) for p in check(root)]
    assert problems == [("tombstone", "models/clf/versions/2.yaml")]


def test_delete_needs_a_reason(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    write.register(dvc_repo.root, "clf", model_file(tmp_path, "m.bin", b"one"))
    with pytest.raises(UsageError, match="needs --reason"):
        write.delete(dvc_repo.root, "clf", 1, reason="  ")
    proc = cli(dvc_repo.root, "delete", "clf/1")
    assert proc.returncode == 2 and "--reason" in proc.stderr


def test_history_shows_deletions_and_the_replay_adds_up(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    from registry.history import events
    from registry.history.event import replay

    root = dvc_repo.root
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"one"), tags={"a": "1"}, description="d")
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"two"))
    write.promote(root, "clf", 1, "staging")
    write.delete(root, "clf", 1, reason="leaked labels", redact=True)
    write.copy(root, "clf/2", "clf-eu")
    write.delete(root, "clf", reason="retired")
    write.restore(root, "clf")
    proc = cli(root, "history", "clf")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "v1 deleted (was staging), redacted  by author@example.com  (leaked labels)" in text
    assert "v2 deleted (was none)  by author@example.com  (retired)" in text
    assert "model deleted  by author@example.com  (retired)" in text and "model restored" in text
    eu = cli(root, "history", "clf-eu").stdout
    assert "registered v1 (copied from clf v2)" in eu
    state = replay(events(root))
    assert state["clf"]["versions"][1] == {"stage": "archived", "tags": {}, "description": ""}
    assert state["clf"]["versions"][2]["stage"] == "archived"


def test_the_catalog_and_its_json_show_deletions(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    import json
    import shutil

    root = dvc_repo.root
    shutil.copy(Path(__file__).resolve().parent.parent / "mkdocs.yml", root / "mkdocs.yml")
    dvc_repo.write("docs/about.md", "# About\n")
    dvc_repo.commit("the catalog")
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"one"), metrics={"f1": 0.9})
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"two"))
    write.delete(root, "clf", 1, reason="<script>alert(1)</script> leaked")
    write.register(root, "old", model_file(tmp_path, "m.bin", b"three"))
    write.delete(root, "old", reason="retired")
    out = tmp_path / "site"
    proc = cli(root, "site", "build", "--strict", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (out / "models/clf/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; leaked" in page and "<script>alert(1)" not in page
    assert '<p class="registry-deleted"><strong>Deleted</strong> ' in page
    assert "registry pull models:/clf/2" in page and "registry pull models:/clf/1" not in page
    assert (
        '<div class="registry-column stage-deleted"><h4>deleted</h4><a class="registry-chip" href="#version-1">'
        in page
    )
    old = (out / "models/old/index.html").read_text()
    assert "registry restore old" in old
    api = json.loads((out / "api/models.json").read_text())
    by_name = {m["name"]: m for m in api}
    assert by_name["clf"]["deleted"] is None and by_name["clf"]["deleted_versions"] == [1]
    assert by_name["old"]["deleted"]["reason"] == "retired" and by_name["old"]["latest_version"] is None
    v1 = json.loads((out / "api/models/clf/1.json").read_text())
    assert v1["deleted"]["reason"].endswith("leaked") and "pull" not in v1
    assert json.loads(cli(root, "show", "clf/1", "--json").stdout) == v1


def test_a_semver_range_skips_tombstones_and_semver_never_repeats(
    dvc_repo: RegistryBuilder, tmp_path: Path
) -> None:
    root = dvc_repo.root
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"one"), semver="1.0.0")
    write.register(root, "clf", model_file(tmp_path, "m.bin", b"two"), bump="minor")
    write.delete(root, "clf", 2, reason="bad")
    reg = Registry(root)
    assert reg.get("models:/clf/1.x").number == 1
    assert reg.get("models:/clf/1.1.0").deleted is not None  # named exactly, as clf/2 is
    _, number = write.register(root, "clf", model_file(tmp_path, "m.bin", b"three"), bump="minor")
    assert Registry(root).get(f"clf/{number}").semver_text == "1.2.0"
    assert check(root) == []
