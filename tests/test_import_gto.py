"""`registry import gto`: a repository made by GTO's own commands, carried
over with its whole tag history, read with git alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from registry import Registry
from tests.builder import RegistryBuilder, cli

GTO = shutil.which("gto", path=str(Path(sys.executable).parent))
ARTIFACTS = """\
churn:
  type: model
  path: models/churn.pkl
  description: Churn model
ranker:
  type: model
  path: models/ranker
"""


def _gto(repo: Path, *args: str, who: str = "Ana") -> None:
    """A GTO command, as ``who`` (the tags' tagger)."""
    assert GTO is not None, "gto is not installed: run the README's test command"
    env = {**os.environ, "GIT_COMMITTER_NAME": who, "GIT_COMMITTER_EMAIL": f"{who.lower()}@example.com"}
    subprocess.run([GTO, *args], cwd=repo, env=env, check=True, capture_output=True)
    time.sleep(1.05)  # GTO orders events by their tags' times, in seconds


@pytest.fixture
def gto_repo(tmp_path: Path) -> Path:
    """Two artifacts (a file and a folder) through registration, promotion, a
    second stage, an unassignment, a deregistration and a deprecation."""
    repo = RegistryBuilder(tmp_path / "gto")
    repo.write("artifacts.yaml", ARTIFACTS)
    repo.write("models/churn.pkl", b"churn weights 1")
    repo.write("models/ranker/weights.bin", b"ranker weights 1")
    repo.write("models/ranker/config.json", '{"k": 10}')
    repo.commit("first models")
    _gto(repo.root, "register", "churn", who="Ana")
    _gto(repo.root, "assign", "churn", "--version", "v0.0.1", "--stage", "prod", who="Bo")
    _gto(repo.root, "register", "ranker", who="Ana")
    repo.write("models/churn.pkl", b"churn weights 2")
    repo.commit("retrained churn")
    _gto(repo.root, "register", "churn", "--bump-minor", "-m", "better recall", who="Cy")
    _gto(repo.root, "assign", "churn", "--version", "v0.1.0", "--stage", "staging", who="Cy")
    _gto(repo.root, "assign", "churn", "--version", "v0.1.0", "--stage", "prod", who="Bo")
    _gto(repo.root, "deprecate", "churn", "v0.1.0", "staging", who="Bo")
    _gto(repo.root, "deprecate", "churn", "v0.0.1", who="Bo")
    _gto(repo.root, "deprecate", "ranker", who="Ana")
    return repo.root


def test_a_gto_repository_arrives_with_its_whole_tag_history(gto_repo: Path, tmp_path: Path) -> None:
    target = RegistryBuilder(tmp_path / "registry")
    target.init_dvc(tmp_path / "remote")
    target.write("registry.yaml", "{}\n")
    target.commit("a registry")
    proc = cli(target.root, "import", "gto", str(gto_repo))
    assert proc.returncode == 0, proc.stderr
    assert "GTO stage prod is production here" in proc.stdout
    assert "applied 8 tags" in proc.stdout and "1 change nothing here" in proc.stdout  # staging under prod
    assert cli(target.root, "check").returncode == 0
    assert target.git("status", "--porcelain") == ""

    reg = Registry(target.root)
    churn = reg.model("churn")
    assert {n: (v.semver_text, v.stage) for n, v in churn.versions.items()} == {
        1: ("0.0.1", "archived"),  # deregistered
        2: ("0.1.0", "production"),
    }
    assert churn.versions[2].description.strip() == "better recall"
    ranker = reg.model("ranker")
    assert ranker.model.tags == {"gto.deprecated": "true"} and ranker.versions[1].stage == "archived"

    # every tag event that changes something here is a commit by its tagger, at its time, in order
    log = target.git("log", "--reverse", "--format=%an|%at|%ct|%s", "HEAD~8..HEAD").splitlines()
    tags = subprocess.run(
        ["git", "for-each-ref", "--format=%(taggername)|%(taggerdate:unix)", "refs/tags"],
        cwd=gto_repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    stamps = [int(line.split("|")[1]) for line in log]
    assert stamps == sorted(stamps)
    assert all(line.split("|")[1] == line.split("|")[2] for line in log)  # committed at the tag's time too
    assert {"|".join(line.split("|")[:2]) for line in log} <= set(tags)
    assert [line.split("|")[3] for line in log] == [
        "import churn v1 (new model, 0.0.1) from gto",
        "import churn#prod#1 from gto: churn v1 none -> production",
        "import ranker v1 (new model, 0.0.1) from gto",
        "import churn v2 (0.1.0: minor, given) from gto",
        "import churn#staging#2 from gto: churn v2 none -> staging",
        "import churn#prod#3 from gto: churn v1 production -> none, v2 staging -> production",
        "import churn@v0.0.1! from gto: churn v1 none -> archived",
        "import ranker@deprecated from gto: ranker v1 none -> archived, deprecated",
    ]
    history = cli(target.root, "history", "churn").stdout
    assert "registered v2" in history and "by cy@example.com" in history

    # the bytes are what the tagged commits held
    out = tmp_path / "v1"
    assert cli(target.root, "pull", "churn/1", "-o", str(out)).returncode == 0
    assert out.read_bytes() == b"churn weights 1"
    folder = tmp_path / "ranker"
    assert cli(target.root, "pull", "ranker/1", "-o", str(folder)).returncode == 0
    got = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert got == {"weights.bin": b"ranker weights 1", "config.json": b'{"k": 10}'}

    # run again: nothing is applied twice
    head = target.git("rev-parse", "HEAD")
    again = cli(target.root, "import", "gto", str(gto_repo), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["applied"] == [] and target.git("rev-parse", "HEAD") == head
