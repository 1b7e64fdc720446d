"""The artifact rule against files written by real DVC with a folder remote."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.builder import RegistryBuilder, dvc


def test_record_agrees_with_real_dvc_pointer_until_the_artifact_changes(
    empty_repo: RegistryBuilder, tmp_path: Path
) -> None:
    reg = empty_repo
    reg.init_dvc(tmp_path / "remote")
    reg.model("scorer", description="Scores things.")
    artifact = reg.write("models/scorer/artifacts/1/model.pkl", b"\x80\x04weights" * 100)
    dvc(reg.root, "add", "-q", str(artifact))
    dvc(reg.root, "push", "-q")
    pointer = yaml.safe_load((reg.root / "models/scorer/artifacts/1/model.pkl.dvc").read_text())["outs"][0]
    reg.write(
        "models/scorer/versions/1.yaml",
        f"""\
        created_at: 2026-11-20T10:15:00Z
        created_by: alice@example.com
        stage: none
        artifact:
          path: artifacts/1/model.pkl
          md5: "{pointer["md5"]}"
          size: {pointer["size"]}
        """,
    )
    reg.commit("register scorer v1")
    assert reg.check() == []
    assert any((tmp_path / "remote").rglob("*")), "dvc push wrote nothing to the folder remote"

    artifact.write_bytes(b"retrained weights")
    dvc(reg.root, "add", "-q", str(artifact))
    problems = {(p.rule, p.line) for p in reg.check()}
    assert problems == {("artifact-mismatch", 6), ("artifact-mismatch", 7)}


def test_register_writes_what_dvc_add_would_into_a_configured_cache(
    empty_repo: RegistryBuilder, tmp_path: Path
) -> None:
    from registry import write

    reg = empty_repo
    reg.init_dvc(tmp_path / "remote")
    dvc(reg.root, "cache", "dir", str(tmp_path / "shared-cache"))  # a team's shared cache
    reg.commit("dvc")
    weights = tmp_path / "model.pkl"
    weights.write_bytes(b"\x80\x04weights" * 100)
    write.register(reg.root, "scorer", weights)
    ours = (reg.root / "models/scorer/artifacts/1/model.pkl.dvc").read_text()
    md5 = yaml.safe_load(ours)["outs"][0]["md5"]
    cached = tmp_path / "shared-cache" / "files" / "md5" / md5[:2] / md5[2:]
    assert cached.read_bytes() == weights.read_bytes()
    assert not cached.stat().st_mode & 0o222, "cache objects are read-only, as DVC leaves them"
    # dvc add of the same bytes elsewhere writes the same pointer, byte for byte.
    other = reg.write("elsewhere/model.pkl", weights.read_bytes())
    dvc(reg.root, "add", "-q", str(other))
    assert (reg.root / "elsewhere/model.pkl.dvc").read_text() == ours
    assert (reg.root / "elsewhere/.gitignore").read_text() == (
        reg.root / "models/scorer/artifacts/1/.gitignore"
    ).read_text()
