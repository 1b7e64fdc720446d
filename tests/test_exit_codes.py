"""The exit codes of the real program: 0 ok, 1 a problem, 2 usage, 3 a bug, 130 Ctrl-C."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from registry import cli
from registry.errors import CommandFailed, DvcError, GitError, NotFound, RegistryError, UsageError
from registry.write.lock import LOCK_NAME
from tests.builder import RegistryBuilder, cli as run


def test_a_problem_exits_one_and_a_usage_error_two(reg: RegistryBuilder) -> None:
    assert run(reg.root, "show", "nothing-here").returncode == cli.FAILED == 1
    assert run(reg.root, "show", "Bad Name").returncode == cli.USAGE == 2  # UsageError
    assert run(reg.root, "list", "--no-such-option").returncode == 2  # click's
    assert run(reg.root, "list").returncode == cli.OK == 0


def test_the_errors_exit_code_attribute_agrees_with_the_cli() -> None:
    for error in (RegistryError("x"), NotFound("x"), GitError("x"), DvcError("x"), CommandFailed("x")):
        assert error.exit_code == cli.FAILED, error
    assert UsageError("x").exit_code == cli.USAGE


def test_a_bug_exits_three_and_names_the_log_with_its_traceback(reg: RegistryBuilder, tmp_path: Path) -> None:
    # A bug is simulated in the registry's own code: `list` raises what no
    # code path expects. git and the file system stay real.
    program = textwrap.dedent(
        """\
        import sys
        from registry import cli
        from registry.commands import listing

        def broken(*args, **kwargs):
            raise RuntimeError("simulated bug in listing")

        listing.run = broken
        sys.exit(cli.main(["list"]))
        """
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    proc = subprocess.run(
        [sys.executable, "-P", "-c", program],
        cwd=reg.root,
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(logs)},
        timeout=60,
    )
    assert proc.returncode == cli.BUG == 3, proc.stderr
    found = re.fullmatch(
        r"registry: internal error: RuntimeError: simulated bug in listing \(details in (.+)\)\n", proc.stderr
    )
    assert found, proc.stderr
    log = Path(found.group(1))
    assert log.parent == logs
    trace = log.read_text()
    assert trace.startswith("Traceback (most recent call last):")
    assert "in broken" in trace and trace.rstrip().endswith("RuntimeError: simulated bug in listing")
    assert "Traceback" not in proc.stderr


def _opened(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open (Linux's /proc)."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.path.realpath(fd) == str(path) for fd in fds.iterdir())
    except OSError:
        return False


def test_ctrl_c_exits_130_while_waiting_for_the_write_lock(reg: RegistryBuilder) -> None:
    lock = (reg.root / ".git" / LOCK_NAME).resolve()
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another writer holds the lock
        writer = subprocess.Popen(
            [sys.executable, "-P", "-m", "registry", "tag", "set", "fraud-detector", "k", "v"],
            cwd=reg.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "REGISTRY_LOCK_TIMEOUT": "120"},
            # as in a terminal's foreground, even when these tests run where SIGINT is ignored
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 60
        while not _opened(writer.pid, lock):  # it is waiting for the lock
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer never reached the lock"
            time.sleep(0.05)
        before = reg.git("rev-parse", "HEAD")
        writer.send_signal(signal.SIGINT)
        _, err = writer.communicate(timeout=60)
    finally:
        os.close(fd)
    assert writer.returncode == cli.INTERRUPTED == 130, err
    assert err.strip() == "aborted" and "Traceback" not in err
    assert reg.git("rev-parse", "HEAD") == before
    assert reg.git("status", "--porcelain") == ""
