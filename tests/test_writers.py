"""Several registry writers on one clone, and writers killed at random moments.

The bounded forms of ``bench/stress.py``: every reported commit holds
exactly its own change, nothing is lost or credited to another command,
version numbers are unique, and ``registry check`` is clean at HEAD."""

from __future__ import annotations

import fcntl
import json
import os
import random
import subprocess
from pathlib import Path

import pytest

from registry import write
from registry.write.lock import LOCK_NAME, LockTimeout
from tests import writers
from tests.builder import RegistryBuilder, cli


@pytest.fixture
def repo(reg: RegistryBuilder, tmp_path: Path) -> RegistryBuilder:
    reg.init_dvc(tmp_path / "remote")
    reg.write(".gitignore", "")
    reg.commit("dvc")
    return reg


@pytest.fixture
def artifact(tmp_path: Path) -> Path:
    path = tmp_path / "weights" / "model.onnx"
    path.parent.mkdir()
    path.write_bytes(os.urandom(200_000))
    return path


def test_concurrent_writers_each_commit_exactly_their_own_change(
    repo: RegistryBuilder, artifact: Path
) -> None:
    outcome = writers.run_workers(repo.root, workers=4, rounds=3, artifact=artifact)
    assert outcome.problems == []
    assert sum(op.commit is not None for op in outcome.ops) == 12


def test_two_tag_and_alias_writers_on_one_record_lose_nothing(repo: RegistryBuilder) -> None:
    # The reported case: `tag set` and `alias set` on the same model.yaml at once.
    for i in range(3):
        outcome = writers.run_workers(repo.root, workers=2, rounds=1, artifact=None, first=i)
        assert outcome.problems == []


def test_racing_registrations_get_distinct_versions_and_keep_each_others_files(
    repo: RegistryBuilder, artifact: Path
) -> None:
    procs = [
        subprocess.Popen(
            writers.registry_cmd("register", "scorer", str(artifact)),
            cwd=repo.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(*p.communicate(), p.returncode) for p in procs]
    assert [code for _, _, code in results] == [0, 0, 0], results
    for n in (1, 2, 3):
        assert (repo.root / f"models/scorer/artifacts/{n}/model.onnx").read_bytes() == artifact.read_bytes()
        assert repo.git("cat-file", "-e", f"HEAD:models/scorer/artifacts/{n}/model.onnx.dvc") == ""
    assert cli(repo.root, "check").returncode == 0
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""


def test_a_writer_waits_for_the_lock_then_names_its_holder(repo: RegistryBuilder) -> None:
    lock = repo.root / ".git" / LOCK_NAME
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(
            fd, json.dumps({"pid": 4242, "command": "registry promote x 1 staging", "since": 0}).encode()
        )
        before = repo.git("rev-parse", "HEAD")
        proc = cli(repo.root, "tag", "set", "fraud-detector", "k", "v", env={"REGISTRY_LOCK_TIMEOUT": "0.3"})
        assert proc.returncode == 1
        assert "pid 4242 (registry promote x 1 staging" in proc.stderr
        assert "waited 0.3 s" in proc.stderr
        assert repo.git("rev-parse", "HEAD") == before
        assert repo.git("status", "--porcelain") == ""
    finally:
        os.close(fd)
    assert cli(repo.root, "tag", "set", "fraud-detector", "k", "v").returncode == 0


def test_lock_wait_is_bounded_in_the_python_api(
    repo: RegistryBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_LOCK_TIMEOUT", "0.2")
    fd = os.open(repo.root / ".git" / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(LockTimeout, match="another registry write is running"):
            write.set_tag(repo.root, "fraud-detector", None, "k", "v")
    finally:
        os.close(fd)


def test_a_commit_made_outside_the_registry_meanwhile_is_not_overwritten(repo: RegistryBuilder) -> None:
    # A pre-commit hook that commits elsewhere stands in for a user's `git commit`
    # landing between the registry's build and its compare-and-swap.
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\nunset GIT_INDEX_FILE\n"
        "[ -f .git/raced ] && exit 0\ntouch .git/raced\n"
        "echo x > other.txt && git add other.txt && git commit -q --no-verify -m 'outside'\n"
    )
    hook.chmod(0o755)
    proc = cli(repo.root, "tag", "set", "fraud-detector", "k", "v")
    assert proc.returncode == 1
    assert "the branch moved while the change was being made" in proc.stderr
    assert repo.git("log", "-1", "--format=%s").strip() == "outside"
    assert "k: v" not in repo.read("models/fraud-detector/model.yaml")
    assert repo.git("status", "--porcelain") == ""


def kill_writer_at(repo: RegistryBuilder, state: str, *, also_git: bool = False) -> None:
    """Make git's reference-transaction hook kill -9 the first registry writer
    whose ref update reaches ``state`` (prepared: git holds the ref's lock;
    committed: the ref has moved), and with ``also_git`` the git command too."""
    hook = repo.root / ".git" / "hooks" / "reference-transaction"
    hook.write_text(
        "#!/bin/sh\n"
        f'[ "$1" = {state} ] || exit 0\n'
        "[ -f .git/killed ] && exit 0\n"
        "touch .git/killed\n"
        "pid=$(sed 's/.*\"pid\": *\\([0-9]*\\).*/\\1/' .git/registry-write.lock)\n"
        f"kill -9 $pid{' $PPID' if also_git else ''}\n"
    )
    hook.chmod(0o755)


KILLED = [
    ("promote", ("promote", "fraud-detector", "3", "production", "--reason", "kill test")),
    ("alias", ("alias", "set", "fraud-detector", "challenger", "1")),
    ("tag", ("tag", "set", "fraud-detector/3", "team", "red")),
]


@pytest.mark.parametrize(("name", "args"), KILLED, ids=[k for k, _ in KILLED])
def test_a_killed_write_leaves_one_whole_commit_or_none(
    repo: RegistryBuilder, name: str, args: tuple[str, ...]
) -> None:
    rng = random.Random(name)
    problems: list[str] = []
    for delay in writers.random_delays(rng, 4, 0.6):
        start = repo.git("rev-parse", "HEAD").strip()
        kill = writers.kill_once(repo.root, args, delay, problems)
        if kill.after_head != start:  # the change was made: undo it for the next round
            repo.git("reset", "-q", "--hard", start)
    assert problems == []
    # and the next write succeeds
    proc = cli(repo.root, *args)
    assert proc.returncode == 0, proc.stderr


def test_a_killed_registration_leaves_no_partial_files(repo: RegistryBuilder, artifact: Path) -> None:
    big = artifact.with_name("big.bin")
    big.write_bytes(os.urandom(20_000_000))
    rng = random.Random("register")
    problems: list[str] = []
    for delay in writers.random_delays(rng, 4, 2.0):
        writers.kill_once(repo.root, ("register", "scorer", str(big)), delay, problems)
    assert problems == []
    proc = cli(repo.root, "register", "scorer", str(artifact))
    assert proc.returncode == 0, proc.stderr
    assert cli(repo.root, "check").returncode == 0
    assert writers.stale_cache_copies(repo.root) == []


def test_a_write_killed_just_after_its_commit_is_finished_by_the_next_command(repo: RegistryBuilder) -> None:
    kill_writer_at(repo, "committed")  # once HEAD has moved
    before = repo.git("rev-parse", "HEAD").strip()
    proc = cli(repo.root, "promote", "fraud-detector", "3", "production", "--reason", "killed")
    assert proc.returncode == -9
    assert repo.git("rev-parse", "HEAD~1").strip() == before  # the commit was made
    assert "stage: staging" in repo.read("models/fraud-detector/versions/3.yaml")  # the work tree was not
    assert repo.git("status", "--porcelain") != ""
    shown = cli(repo.root, "show", "fraud-detector/3", "--json")
    assert shown.returncode == 0, shown.stderr
    assert "finished updating the work tree" in shown.stderr
    assert json.loads(shown.stdout)["stage"] == "production"
    assert repo.git("status", "--porcelain") == ""
    assert "stage: production" in repo.read("models/fraud-detector/versions/3.yaml")
    assert cli(repo.root, "check").returncode == 0


def test_an_interrupted_write_keeps_a_file_edited_since(repo: RegistryBuilder) -> None:
    kill_writer_at(repo, "committed")
    assert cli(repo.root, "tag", "set", "fraud-detector", "team", "red").returncode == -9
    path = "models/fraud-detector/model.yaml"
    repo.write(path, repo.read(path) + "# my edit\n")
    shown = cli(repo.root, "check")
    assert "left as they are (changed since): models/fraud-detector/model.yaml" in shown.stderr
    assert repo.read(path).endswith("# my edit\n")


@pytest.mark.parametrize("name", ["$(touch${IFS}x)", "a`id`", "a;b", "a b", ".hidden", "a..b", "x.lock"])
def test_branch_names_outside_a_safe_set_are_refused(repo: RegistryBuilder, name: str) -> None:
    before = repo.git("for-each-ref")
    proc = cli(repo.root, "tag", "set", "fraud-detector", "k", "v", f"--branch={name}")
    assert proc.returncode == 2, proc.stderr
    assert "is not a branch name the registry makes" in proc.stderr
    assert repo.git("for-each-ref") == before
    assert not (repo.root / "x").exists()


def test_a_partial_cache_copy_from_a_dead_writer_is_removed_by_the_next(
    repo: RegistryBuilder, artifact: Path
) -> None:
    probe = subprocess.Popen(["true"])
    probe.wait()
    objects = repo.root / ".dvc" / "cache" / "files" / "md5"
    objects.mkdir(parents=True, exist_ok=True)
    stale = objects / f".incoming.{probe.pid}.tmp"
    stale.write_bytes(b"half a model")
    live = objects / f".incoming.{os.getpid()}.tmp"
    live.write_bytes(b"in progress")
    assert cli(repo.root, "register", "scorer", str(artifact)).returncode == 0
    assert not stale.exists()
    assert live.exists()


def test_a_write_killed_while_git_held_the_branch_lock_leaves_no_stale_lock(repo: RegistryBuilder) -> None:
    # Killed while `git update-ref` holds refs/heads/main.lock: git never removes it itself.
    kill_writer_at(repo, "prepared", also_git=True)
    before = repo.git("rev-parse", "HEAD").strip()
    assert cli(repo.root, "tag", "set", "fraud-detector", "team", "red").returncode == -9
    assert (repo.root / ".git" / "refs" / "heads" / "main.lock").exists()
    assert repo.git("rev-parse", "HEAD").strip() == before
    proc = cli(repo.root, "tag", "set", "fraud-detector", "team", "red")
    assert proc.returncode == 0, proc.stderr
    assert "removed" in proc.stderr and "main.lock" in proc.stderr
    assert repo.git("rev-parse", "HEAD~1").strip() == before
    assert repo.git("status", "--porcelain") == ""


def test_a_write_signs_its_commit_when_the_repository_signs_commits(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    key = tmp_path / "signing"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    allowed = tmp_path / "allowed"
    allowed.write_text(f"committer@example.com {(tmp_path / 'signing.pub').read_text()}")
    for item in (
        ("gpg.format", "ssh"),
        ("user.signingKey", str(key)),
        ("commit.gpgSign", "true"),
        ("gpg.ssh.allowedSignersFile", str(allowed)),
    ):
        repo.git("config", *item)
    assert cli(repo.root, "tag", "set", "fraud-detector", "team", "red").returncode == 0
    verified = subprocess.run(["git", "verify-commit", "HEAD"], cwd=repo.root, capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr
    assert 'Good "git" signature for committer@example.com' in verified.stderr
