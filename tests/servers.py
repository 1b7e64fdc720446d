"""Servers that tests start as users do: a real process on a free port of
127.0.0.1, waited for until it answers, and killed with its children after."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def process(
    argv: list[str], env: dict[str, str], log: Path, ready: str, timeout: float = 60
) -> Iterator[str]:
    """``argv`` running in its own process group, output to ``log``, until ``ready`` (a URL) answers;
    the group is killed afterwards, also when the test fails."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, env=env, cwd=env["HOME"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(ready, timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None:
                pytest.fail(f"{argv[0]} exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"{ready} did not answer within {timeout} s:\n{log.read_text(errors='replace')}")
            time.sleep(0.25)
        yield log.read_text(errors="replace")
    finally:
        with suppress(ProcessLookupError):  # SIGTERM does not stop mlflow server's job consumers
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
