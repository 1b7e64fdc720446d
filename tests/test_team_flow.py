"""The pull-request flow end to end, on real repositories and with no network:
a bare repository stands in for the forge, two clones are two engineers, and
a third clone does what the forge does (the merge ref CI checks out, the
merge commit with GitHub's message)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.builder import DVC, cli

ALICE = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.com"}
BOB = {"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com"}
FORGE = {  # a merge on GitHub: its author is who pressed the button, its committer GitHub
    "GIT_AUTHOR_NAME": "Carol",
    "GIT_AUTHOR_EMAIL": "carol@example.com",
    "GIT_COMMITTER_NAME": "GitHub",
    "GIT_COMMITTER_EMAIL": "noreply@github.com",
}


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def ok(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = cli(root, *args, env=env)
    assert proc.returncode == 0, f"registry {' '.join(args)}:\n{proc.stdout}{proc.stderr}"
    return proc.stdout


class Forge:
    """The bare repository and what the forge does with a pull request."""

    def __init__(self, tmp: Path) -> None:
        self.bare = tmp / "forge.git"
        self.ci = tmp / "ci"
        self.numbers = 0

    def clone(self, where: Path) -> Path:
        git(where.parent, "clone", "-q", str(self.bare), where.name)
        return where

    def merge_ref(self, branch: str) -> subprocess.CompletedProcess[str]:
        """CI on the pull request: GitHub's merge of the branch into main, checked
        with the workflow's own command (``--format github``)."""
        git(self.ci, "fetch", "-q", "origin")
        git(self.ci, "checkout", "-q", "--detach", "origin/main")
        git(self.ci, "merge", "-q", "--no-ff", "-m", "merge ref", f"origin/{branch}", env=FORGE)
        base = git(self.ci, "merge-base", "HEAD", "origin/main").strip()
        done = cli(self.ci, "check", "--base", base, "--format", "github")
        # The shared folder stands in for storage every machine mounts: warned of, as it should be
        lines = done.stdout.splitlines(keepends=True)
        mounted = [line for line in lines if "title=local-remote::" in line]
        assert len(mounted) == 1, done.stdout
        done.stdout = "".join(line for line in lines if line not in mounted)
        return done

    def merge(self, branch: str, user: str) -> int:
        """The merge button: a --no-ff merge commit with GitHub's message, pushed to main."""
        self.numbers += 1
        git(self.ci, "fetch", "-q", "origin")
        git(self.ci, "checkout", "-q", "-B", "main", "origin/main")
        message = f"Merge pull request #{self.numbers} from {user}/{branch}\n\n{branch}"
        git(self.ci, "merge", "-q", "--no-ff", "-m", message, f"origin/{branch}", env=FORGE)
        git(self.ci, "push", "-q", "origin", "main")
        return self.numbers


@pytest.fixture
def team(tmp_path: Path) -> tuple[Forge, Path, Path]:
    """`registry init`, pushed to the forge with shared DVC storage; Alice's and Bob's clones."""
    ok(tmp_path, "init", "registry")
    first = tmp_path / "registry"
    text = (first / "registry.yaml").read_text()
    (first / "registry.yaml").write_text(text + "forge: https://github.com/example-org/model-registry\n")
    subprocess.run(
        [str(DVC), "remote", "modify", "storage", "url", str(tmp_path / "shared-storage")],
        cwd=first,
        check=True,
        capture_output=True,
    )
    git(first, "commit", "-qam", "the forge's URL and the team's DVC storage")
    forge = Forge(tmp_path)
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(forge.bare))
    git(first, "remote", "add", "origin", str(forge.bare))
    git(first, "push", "-q", "-u", "origin", "main")
    forge.clone(forge.ci)
    return forge, forge.clone(tmp_path / "alice"), forge.clone(tmp_path / "bob")


def artifact(tmp: Path, n: int) -> Path:
    path = tmp / f"run-{n}" / "model.onnx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(f"weights {n}\n".encode() * 500)
    return path


def test_a_promotion_goes_through_a_pull_request(team: tuple[Forge, Path, Path], tmp_path: Path) -> None:
    forge, alice, bob = team
    # Alice registers v1 on a branch, uploads its bytes and pushes the branch.
    out = ok(
        alice,
        "register",
        "scorer",
        str(artifact(tmp_path, 1)),
        "--metric",
        "f1=0.93",
        "--description",
        "Gradient-boosted trees.",
        "--branch",
        "--push",
        env=ALICE,
    )
    branch = "registry/register-scorer-v1-new-model"
    assert f"(branch {branch})" in out
    ci = forge.merge_ref(branch)
    assert (ci.returncode, ci.stdout) == (0, ""), ci.stdout + ci.stderr
    forge.merge(branch, "alice")

    # Bob takes it through staging to production, each step a pull request.
    git(bob, "pull", "-q")
    ok(bob, "promote", "scorer", "1", "staging", "--branch", "--push", env=BOB)
    forge.merge("registry/promote-scorer-v1-to-staging", "bob")
    git(bob, "pull", "-q")
    out = ok(
        bob,
        "promote",
        "scorer",
        "1",
        "production",
        "--reason",
        "wins the shadow test",
        "--branch",
        "--push",
        env=BOB,
    )
    branch = "registry/promote-scorer-v1-to-production"
    assert f"(branch {branch})" in out
    ci = forge.merge_ref(branch)
    assert (ci.returncode, ci.stdout) == (0, ""), ci.stdout + ci.stderr
    number = forge.merge(branch, "bob")

    # Alice pulls: the history names the pull request, its author, the merger and the reason.
    git(alice, "pull", "-q")
    events = json.loads(ok(alice, "history", "scorer/1", "--json"))
    promoted = [e for e in events if e["kind"] == "stage_changed" and e["to"] == "production"]
    assert len(promoted) == 1
    event = promoted[0]
    assert event["pr"] == number
    assert event["author"]["email"] == "bob@example.com"
    assert event["merged_by"]["email"] == "carol@example.com"
    assert event["reason"] == "wins the shadow test"
    text = ok(alice, "history", "scorer")
    assert f"#{number}" in text and "bob@example.com" in text
    assert ok(alice, "resolve", "scorer:production").strip().endswith("scorer/1")

    # The catalog built from Alice's clone shows v1 in production and the pull request.
    site = tmp_path / "site"
    ok(alice, "site", "build", "--strict", "--out", str(site))
    home = (site / "index.html").read_text()
    assert 'href="models/scorer/index.html"' in home
    page = (site / "models" / "scorer" / "index.html").read_text()
    assert (
        'class="registry-column stage-production"><h4>production</h4><a class="registry-chip" href="#version-1">v1</a>'
        in page
    )
    assert f"https://github.com/example-org/model-registry/pull/{number}" in page
    # And the artifact comes back from the team's storage in a fresh clone.
    fresh = forge.clone(tmp_path / "fresh")
    ok(fresh, "pull", "scorer:production")
    assert (fresh / "models/scorer/artifacts/1/model.onnx").read_bytes() == artifact(tmp_path, 1).read_bytes()


def test_pull_requests_that_pass_alone_but_conflict_once_merged_are_caught(
    team: tuple[Forge, Path, Path], tmp_path: Path
) -> None:
    forge, alice, bob = team
    # v1 in production, v2 and v3 in staging, on main.
    for n in (1, 2, 3):
        ok(alice, "register", "scorer", str(artifact(tmp_path, n)), "--metric", "f1=0.9", env=ALICE)
        ok(alice, "promote", "scorer", str(n), "staging", env=ALICE)
    ok(alice, "promote", "scorer", "1", "production", env=ALICE)
    git(alice, "push", "-q", "origin", "main")
    git(bob, "pull", "-q")

    # Two registrations of the same next version pass alone; git refuses the second merge.
    ok(alice, "register", "scorer", str(artifact(tmp_path, 4)), "--branch", "alice-v4", "--push", env=ALICE)
    ok(bob, "register", "scorer", str(artifact(tmp_path, 5)), "--branch", "bob-v4", "--push", env=BOB)
    for branch in ("alice-v4", "bob-v4"):
        ci = forge.merge_ref(branch)
        assert (ci.returncode, ci.stdout) == (0, ""), ci.stdout
    forge.merge("alice-v4", "alice")
    clash = subprocess.run(
        ["git", "merge", "--no-ff", "-m", "Merge pull request #2 from bob/bob-v4", "origin/bob-v4"],
        cwd=forge.ci,
        capture_output=True,
        text=True,
        env={**os.environ, **FORGE},
    )
    assert clash.returncode != 0 and "CONFLICT" in clash.stdout, clash.stdout
    assert "models/scorer/versions/4.yaml" in clash.stdout
    git(forge.ci, "merge", "--abort")
    git(alice, "pull", "-q")
    git(bob, "pull", "-q")

    # Each promotes another version to production; each pull request passes on its own.
    ok(alice, "promote", "scorer", "2", "production", "--branch", "--push", env=ALICE)
    ok(bob, "promote", "scorer", "3", "production", "--branch", "--push", env=BOB)
    for branch in ("registry/promote-scorer-v2-to-production", "registry/promote-scorer-v3-to-production"):
        ci = forge.merge_ref(branch)
        assert ci.returncode == 0, ci.stdout
    group_base = git(forge.ci, "rev-parse", "origin/main").strip()

    # Without a merge queue both merge: git sees no conflict (both archive v1 the same way).
    forge.merge("registry/promote-scorer-v2-to-production", "alice")
    forge.merge("registry/promote-scorer-v3-to-production", "bob")
    # The merge queue's check of the group, and the check on main after the push, both fail.
    queued = cli(forge.ci, "check", "--base", group_base, "--format", "github")
    assert queued.returncode == 1
    assert "::error file=models/scorer/versions/" in queued.stdout and "single-holder" in queued.stdout
    on_main = cli(forge.ci, "check", "--format", "github")
    assert on_main.returncode == 1 and "single-holder" in on_main.stdout
