"""Concurrent and killed writers on one clone: the long form of tests/test_writers.py.

    .venv/bin/python bench/stress.py [--workers 4] [--rounds 5] [--trials 10] [--kills 50] [--seed 0]

Stress: ``--trials`` times, ``--workers`` processes each make ``--rounds``
mixed writes (model tags, version tags, aliases, registrations of one model)
at once on one fresh clone. Every reported commit must hold exactly its own
change; the branch must hold exactly the reported commits; version numbers
must be unique; ``registry check`` must be clean at HEAD and ``git status``
empty.

Kills: each write command (promote, alias set, tag set, register of a 20 MB
file) is started ``--kills`` times and killed with SIGKILL, with its
children, after a random delay; then ``git fsck``, ``registry check``,
``git status`` and the commit count are checked, and the next write must
succeed.

Prints a table of trials, held, failed and lost updates.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import writers
from tests.builder import RegistryBuilder

IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "DVC_NO_ANALYTICS": "1",
}


def fresh(tmp: Path, name: str) -> RegistryBuilder:
    reg = RegistryBuilder(tmp / name)
    reg.baseline()
    reg.commit("baseline")
    reg.init_dvc(tmp / f"{name}-remote")
    reg.write(".gitignore", "")
    reg.commit("dvc")
    return reg


def stress(tmp: Path, args: argparse.Namespace) -> tuple[int, int, int, list[str]]:
    artifact = tmp / "model.onnx"
    artifact.write_bytes(os.urandom(200_000))
    held = failed = lost = 0
    notes = []
    for trial in range(args.trials):
        reg = fresh(tmp, f"stress{trial}")
        outcome = writers.run_workers(reg.root, args.workers, args.rounds, artifact)
        lost += sum("lost" in p or "unreported" in p for p in outcome.problems)
        if outcome.problems:
            failed += 1
            notes += outcome.problems[:3]
        else:
            held += 1
        print(f"  stress trial {trial + 1}/{args.trials}: {len(outcome.problems)} problem(s)", flush=True)
    return held, failed, lost, notes


KILLED = {
    "promote": ("promote", "fraud-detector", "3", "production", "--reason", "kill"),
    "alias set": ("alias", "set", "fraud-detector", "challenger", "1"),
    "tag set": ("tag", "set", "fraud-detector/3", "team", "red"),
    "register": ("register", "scorer", "{big}", "--metric", "f1=0.9"),
}


def kills(tmp: Path, args: argparse.Namespace) -> list[tuple[str, int, int, int, int, list[str]]]:
    big = tmp / "big.bin"
    big.write_bytes(os.urandom(20_000_000))
    rng = random.Random(args.seed)
    rows = []
    for name, template in KILLED.items():
        reg = fresh(tmp, f"kill-{name.replace(' ', '-')}")
        command = tuple(a.replace("{big}", str(big)) for a in template)
        # How long the command takes when not killed: kills land anywhere in it.
        start = time.monotonic()
        subprocess.run(writers.registry_cmd(*command), cwd=reg.root, capture_output=True, check=True)
        longest = time.monotonic() - start
        reg.git("reset", "-q", "--hard", "HEAD~1")
        subprocess.run(["git", "clean", "-qfdx", "models"], cwd=reg.root, check=True)
        held = failed = made = 0
        notes: list[str] = []
        for _ in range(args.kills):
            before = reg.git("rev-parse", "HEAD").strip()
            kill = writers.kill_once(reg.root, command, rng.uniform(0, longest))
            if kill.after_head != before:
                made += 1
                if name != "register":
                    reg.git("reset", "-q", "--hard", before)
            if kill.problems:
                failed += 1
                notes += kill.problems[:2]
            else:
                held += 1
        left = len(writers.stale_cache_copies(reg.root))
        proc = subprocess.run(writers.registry_cmd(*command), cwd=reg.root, capture_output=True, text=True)
        if proc.returncode != 0 and "already" not in proc.stderr:
            failed += 1
            notes.append(f"the next write failed: {proc.stderr.strip()}")
        if writers.stale_cache_copies(reg.root):
            failed += 1
            notes.append(
                f"partial DVC cache copies left after the next write: {writers.stale_cache_copies(reg.root)}"
            )
        if left:
            notes.append(
                f"{name}: {left} partial DVC cache copy(ies) of killed writers, removed by the next write"
            )
        rows.append((name, args.kills, held, failed, made, notes))
        print(f"  kills of {name}: {held} held, {failed} failed ({made} committed)", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.update(IDENTITY)
    with tempfile.TemporaryDirectory(prefix="registry-stress-") as name:
        tmp = Path(name)
        held, failed, lost, notes = stress(tmp, args)
        rows = kills(tmp, args)
    print()
    print("| run | trials | held | failed | lost updates |")
    print("|---|---:|---:|---:|---:|")
    writes = args.workers * args.rounds
    print(
        f"| {args.workers} writers x {args.rounds} writes ({writes} per trial) | {args.trials} | {held} | {failed} | {lost} |"
    )
    for name, n, ok, bad, made, _ in rows:
        print(f"| kill -9 of `{name}` ({made} had committed) | {n} | {ok} | {bad} | - |")
    for note in notes + [n for row in rows for n in row[5]]:
        print("  " + note)
    return 0 if failed == 0 and all(row[3] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
