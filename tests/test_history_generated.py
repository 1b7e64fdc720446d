"""The whole history of a generated registry, byte for byte as the code
before the history speed-ups printed it.

``tests/resources/history_generated/`` holds what ``registry history`` and
(as a SHA-256) ``registry history --json`` printed for
``bench/generate.py --models 12 --versions 4 --commits 450`` with the code
of commit 44441a1, before history was made faster: 433 main-line commits,
so two processes read it, and every kind of event the generator makes
(registrations, stage changes, archives, aliases set, moved and removed,
tags, descriptions, a policy edit, 25 events that came in through merges).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builder import cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "resources" / "history_generated"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("generated") / "reg"
    args = ["--models", "12", "--versions", "4", "--commits", "450"]
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), str(repo), *args],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return repo


@pytest.mark.parametrize("one_process", [False, True])
def test_history_of_a_generated_registry_is_byte_identical_cold_and_warm(
    generated: Path, one_process: bool
) -> None:
    env = {"REGISTRY_NO_PARALLEL": "1"} if one_process else {"REGISTRY_NO_PARALLEL": ""}
    cache = generated / ".git" / "registry-cache"
    expected = (GOLDEN / "history.txt").read_text(encoding="utf-8")
    digest = (GOLDEN / "history.json.sha256").read_text(encoding="ascii").strip()
    for args in (["history"], ["history", "--json"]):
        shutil.rmtree(cache, ignore_errors=True)
        for run in ("cold", "warm"):  # the second reads every commit's events from the cache
            proc = cli(generated, *args, env=env)
            assert proc.returncode == 0, proc.stderr
            if "--json" in args:
                assert hashlib.sha256(proc.stdout.encode()).hexdigest() == digest, run
            else:
                assert proc.stdout == expected, run
