"""The one runner of child programs (registry.proc), with real children."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from registry import proc, write
from registry.errors import CommandFailed, DvcError, GitError
from tests.builder import RegistryBuilder

PRINT_ENV = "import json, os; print(json.dumps(dict(os.environ)))"


def test_a_failed_command_carries_its_argv_exit_status_and_last_twenty_lines_of_stderr(
    tmp_path: Path,
) -> None:
    argv = ["sh", "-c", "for i in $(seq 1 30); do echo line $i >&2; done; exit 3"]
    with pytest.raises(CommandFailed) as caught:
        proc.run(argv, tmp_path)
    err = caught.value
    assert (err.argv, err.returncode) == (argv, 3)
    assert err.stderr.splitlines() == [f"line {i}" for i in range(11, 31)]
    assert str(err) == f"{' '.join(argv)} failed (exit 3): " + "\n".join(f"line {i}" for i in range(11, 31))


def test_without_check_the_caller_reads_the_exit_status(tmp_path: Path) -> None:
    done = proc.run(["sh", "-c", "echo out; exit 4"], tmp_path, check=False)
    assert (done.returncode, done.stdout) == (4, b"out\n")


def test_a_missing_program_and_a_hung_one_are_errors_of_the_class_asked_for(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="no-such-program-here is not installed or not on PATH") as caught:
        proc.run(["no-such-program-here", "x"], tmp_path, error=GitError)
    assert caught.value.returncode == proc.NOT_FOUND == caught.value.code
    with pytest.raises(CommandFailed, match=r"stopped after 0\.2 s") as hung:
        proc.run(["sleep", "30"], tmp_path, timeout=0.2, check=False)
    assert hung.value.returncode == proc.TIMED_OUT


def test_dvc_errors_keep_their_one_line_message(tmp_path: Path) -> None:
    err = DvcError.of(["/venv/bin/dvc", "fetch", "--", "a.dvc"], 1, "\n".join(f"e{i}" for i in range(30)))
    assert str(err) == "dvc fetch -- a.dvc failed: e27 e28 e29"
    assert DvcError.of(["/venv/bin/dvc", "push"], 2, "").args == ("dvc push failed: exit 2",)


ELSEWHERE = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX")


def _environment_of_child(root: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    seen: dict[str, str] = json.loads(proc.run([sys.executable, "-c", PRINT_ENV], root, env=env).stdout)
    return seen


def test_children_get_no_git_variable_that_points_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ELSEWHERE:
        monkeypatch.setenv(name, "/somewhere/else")
    monkeypatch.setenv("GIT_SSH_COMMAND", "ssh -i key")
    seen = _environment_of_child(tmp_path)
    assert not set(ELSEWHERE) & set(seen)
    assert seen["GIT_SSH_COMMAND"] == "ssh -i key"  # how to reach a remote
    assert seen["GIT_AUTHOR_NAME"] == "Test Author"  # who commits (set by conftest)
    assert seen["GIT_CONFIG_GLOBAL"]  # git's configuration
    given = _environment_of_child(tmp_path, proc.environment(DVC_NO_ANALYTICS="1"))
    assert given["DVC_NO_ANALYTICS"] == "1" and not set(ELSEWHERE) & set(given)


def test_register_inside_another_repositorys_hook_writes_only_its_own(
    reg: RegistryBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hook of another repository sets GIT_DIR and GIT_INDEX_FILE; git and
    DVC, run for the registry, must not see them."""
    reg.init_dvc(tmp_path / "remote")
    reg.commit("dvc")
    other = RegistryBuilder(tmp_path / "other")
    other.write("x.txt", "x\n")
    other.commit("other")
    head = other.git("rev-parse", "HEAD")
    artifact = tmp_path / "model.onnx"
    artifact.write_bytes(b"weights" * 100)
    monkeypatch.setenv("GIT_DIR", str(other.root / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other.root / ".git" / "index"))
    commit, number = write.register(reg.root, "scorer", artifact, metrics={"f1": 0.9}, push=True)
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.delenv("GIT_INDEX_FILE")
    assert reg.git("rev-parse", "HEAD").strip() == commit and number == 1
    assert any((tmp_path / "remote").rglob("*")), "DVC pushed to the registry's remote"
    assert other.git("rev-parse", "HEAD") == head
    assert other.git("status", "--porcelain") == ""
