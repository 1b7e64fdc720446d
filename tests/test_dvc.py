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
