"""Concurrent writers and killed writers on one clone, for the stress and kill
tests and for ``bench/stress.py``: each reported commit is checked to hold
exactly its own change, and the whole run to have lost nothing."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPORTED = re.compile(r"^\[([0-9a-f]{10})\] (.*)$", re.M)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def registry_cmd(*args: str) -> list[str]:
    return [sys.executable, "-P", "-m", "registry", *args]


@dataclass
class Op:
    """One write a worker makes, and what its commit must contain."""

    kind: str  # tag, alias, vtag, register
    args: tuple[str, ...]
    key: str = ""
    value: Any = None
    proc: subprocess.CompletedProcess[str] | None = None
    commit: str | None = None


def plan(worker: int, rounds: int, artifact: Path | None, first: int = 0) -> list[Op]:
    """A mixed sequence of writes for ``worker``; every op changes something."""
    kinds = ["tag", "alias", "vtag"] + (["register"] if artifact is not None else [])
    ops = []
    for r in range(first, first + rounds):
        kind = kinds[(worker + r) % len(kinds)]
        if kind == "tag":
            key = f"w{worker}r{r}"
            ops.append(Op(kind, ("tag", "set", "fraud-detector", key, f"v{r}"), key, f"v{r}"))
        elif kind == "vtag":
            key = f"w{worker}r{r}"
            ops.append(Op(kind, ("tag", "set", "fraud-detector/3", key, f"v{r}"), key, f"v{r}"))
        elif kind == "alias":
            key, value = f"w{worker}", 1 + r % 3
            ops.append(Op(kind, ("alias", "set", "fraud-detector", key, str(value)), key, value))
        else:
            assert artifact is not None
            ops.append(Op(kind, ("register", "scorer", str(artifact), "--metric", f"w{worker}r{r}=1")))
    return ops


@dataclass
class Outcome:
    ops: list[Op] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def run_workers(
    root: Path, workers: int, rounds: int, artifact: Path | None, *, first: int = 0, timeout: float = 600
) -> Outcome:
    """Start ``workers`` threads, each running its ops as CLI processes one
    after another, all at once on ``root``; then verify every commit."""
    base = git(root, "rev-parse", "HEAD").strip()
    per_worker = [plan(w, rounds, artifact, first) for w in range(workers)]
    start = threading.Barrier(workers)

    def work(ops: list[Op]) -> None:
        start.wait()
        for op in ops:
            op.proc = subprocess.run(
                registry_cmd(*op.args), cwd=root, capture_output=True, text=True, timeout=timeout
            )

    threads = [threading.Thread(target=work, args=(ops,)) for ops in per_worker]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcome = Outcome([op for ops in per_worker for op in ops])
    verify(root, base, outcome)
    return outcome


def _at(root: Path, rev: str, path: str) -> Any:
    proc = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=root, capture_output=True, text=True)
    return yaml.safe_load(proc.stdout) if proc.returncode == 0 else None


def verify(root: Path, base: str, outcome: Outcome) -> None:
    """Each op succeeded and its commit holds exactly its change; the commits
    since ``base`` are exactly the reported ones; check is clean at HEAD."""
    bad = outcome.problems
    versions: dict[int, str] = {}
    for op in outcome.ops:
        assert op.proc is not None
        if op.proc.returncode != 0:
            bad.append(f"{' '.join(op.args)}: exit {op.proc.returncode}: {op.proc.stderr.strip()}")
            continue
        found = REPORTED.search(op.proc.stdout)
        if not found:
            bad.append(f"{' '.join(op.args)}: no commit reported: {op.proc.stdout!r}")
            continue
        commit = git(root, "rev-parse", found.group(1)).strip()
        op.commit = commit
        _verify_commit(root, op, commit, versions, bad)
    made = git(root, "rev-list", "--reverse", f"{base}..HEAD").split()
    reported = [op.commit for op in outcome.ops if op.commit]
    if sorted(made) != sorted(reported):
        lost = set(made) - set(reported)
        bad.append(f"commits {len(made)} on the branch, {len(reported)} reported; unreported: {sorted(lost)}")
    if len(set(reported)) != len(reported):
        bad.append("one commit was reported by two writers")
    if versions and sorted(versions) != list(range(1, len(versions) + 1)):
        bad.append(f"registered versions are not 1..N: {sorted(versions)}")
    model = _at(root, "HEAD", "models/fraud-detector/model.yaml") or {}
    v3 = _at(root, "HEAD", "models/fraud-detector/versions/3.yaml") or {}
    for op in outcome.ops:
        if op.commit is None:
            continue
        if op.kind == "tag" and (model.get("tags") or {}).get(op.key) != op.value:
            bad.append(f"lost at HEAD: model tag {op.key}")
        if op.kind == "vtag" and (v3.get("tags") or {}).get(op.key) != op.value:
            bad.append(f"lost at HEAD: version tag {op.key}")
    status = git(root, "status", "--porcelain", "--untracked-files=all")
    if status.strip():
        bad.append(f"git status is not clean: {status.strip()[:300]}")
    check = subprocess.run(registry_cmd("check"), cwd=root, capture_output=True, text=True)
    if check.returncode != 0:
        bad.append(f"registry check at HEAD: {check.stdout.strip()[:500]}")


def _verify_commit(root: Path, op: Op, commit: str, versions: dict[int, str], bad: list[str]) -> None:
    what = f"{' '.join(op.args)} ({commit[:10]})"
    changed = set(git(root, "diff-tree", "--no-commit-id", "-r", "--name-only", commit).split())
    body = git(root, "log", "-1", "--format=%B", commit)
    action = re.search(r"^Registry-Action: (.*)$", body, re.M)
    want_action = {"tag": "tag-set", "vtag": "tag-set", "alias": "alias-set", "register": "register"}[op.kind]
    if not action or action.group(1) != want_action:
        bad.append(f"{what}: trailer Registry-Action is {action and action.group(1)!r}")
    parent = f"{commit}^"
    if op.kind in ("tag", "alias"):
        path = "models/fraud-detector/model.yaml"
        if changed != {path}:
            bad.append(f"{what}: changes {sorted(changed)}")
        old, new = _at(root, parent, path) or {}, _at(root, commit, path) or {}
        field_name = "tags" if op.kind == "tag" else "aliases"
        expect = dict(old)
        expect[field_name] = {**(old.get(field_name) or {}), op.key: op.value}
        if new != expect:
            bad.append(f"{what}: the record became {new}, expected {expect}")
    elif op.kind == "vtag":
        path = "models/fraud-detector/versions/3.yaml"
        if changed != {path}:
            bad.append(f"{what}: changes {sorted(changed)}")
        old, new = _at(root, parent, path) or {}, _at(root, commit, path) or {}
        expect = dict(old)
        expect["tags"] = {**(old.get("tags") or {}), op.key: op.value}
        if new != expect:
            bad.append(f"{what}: the record became {new}, expected {expect}")
    else:
        number = re.search(r"^Version: (\d+)$", body, re.M)
        if number is None:
            bad.append(f"{what}: no Version trailer")
            return
        n = int(number.group(1))
        if n in versions:
            bad.append(f"{what}: version {n} was also registered by {versions[n][:10]}")
        versions[n] = commit
        expect_paths = {
            f"models/scorer/versions/{n}.yaml",
            f"models/scorer/artifacts/{n}/{Path(op.args[2]).name}.dvc",
            f"models/scorer/artifacts/{n}/.gitignore",
        }
        if n == 1:
            expect_paths.add("models/scorer/model.yaml")
        if changed != expect_paths:
            bad.append(f"{what}: changes {sorted(changed)}, expected {sorted(expect_paths)}")
        record = _at(root, commit, f"models/scorer/versions/{n}.yaml") or {}
        metric = op.args[4].split("=")[0]
        if set(record.get("metrics") or {}) != {metric}:
            bad.append(f"{what}: v{n} has metrics {record.get('metrics')}, expected {metric}")


# -- kills -------------------------------------------------------------------


@dataclass
class Kill:
    command: tuple[str, ...]
    after: float
    killed: bool
    before: str
    after_head: str
    problems: list[str]


def kill_once(root: Path, args: tuple[str, ...], delay: float, expect: list[str] | None = None) -> Kill:
    """Run ``registry ARGS`` and ``kill -9`` it and its children after
    ``delay`` seconds; then check what it left: git fsck, a clean (or
    repaired) work tree, a clean check, one whole commit or none."""
    before = git(root, "rev-parse", "HEAD").strip()
    proc = subprocess.Popen(
        registry_cmd(*args),
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    problems = []
    fsck = subprocess.run(["git", "fsck", "--no-progress"], cwd=root, capture_output=True, text=True)
    if fsck.returncode != 0:
        problems.append(f"git fsck: {fsck.stdout}{fsck.stderr}")
    # The next registry command finishes what the kill interrupted (or there is nothing to do).
    check = subprocess.run(registry_cmd("check"), cwd=root, capture_output=True, text=True)
    if check.returncode != 0:
        problems.append(f"registry check: {check.stdout.strip()[:400]} {check.stderr.strip()[:200]}")
    status = git(root, "status", "--porcelain", "--untracked-files=all", "--ignored=matching", "models")
    leftover = [
        line
        for line in status.splitlines()
        if not (line.startswith("!! ") and _is_artifact_of_head(root, line[3:]))
    ]
    if leftover:
        problems.append(f"git status after the kill: {leftover[:5]}")
    after = git(root, "rev-parse", "HEAD").strip()
    if after != before:
        count = git(root, "rev-list", "--count", f"{before}..{after}").strip()
        if count != "1":
            problems.append(f"{count} commits made")
        body = git(root, "log", "-1", "--format=%B", after)
        if "Registry-Action:" not in body:
            problems.append("a commit without its Registry-Action trailer")
    if expect is not None:
        expect.extend(problems)
    return Kill(args, delay, killed, before, after, problems)


def stale_cache_copies(root: Path) -> list[str]:
    """Partial copies into DVC's cache (``.incoming.PID.tmp``) whose writer is
    dead: a kill may leave one, and the next registration must remove it."""
    cache = root / ".dvc" / "cache"
    return sorted(p.name for p in cache.rglob(".incoming.*") if not _pid_alive(p)) if cache.exists() else []


def _pid_alive(path: Path) -> bool:
    m = re.search(r"\.incoming\.(\d+)", path.name)
    if not m:
        return False
    try:
        os.kill(int(m.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_artifact_of_head(root: Path, path: str) -> bool:
    """An ignored file that is a committed version's artifact bytes (DVC's output)."""
    pointer = f"{path.rstrip('/')}.dvc"
    proc = subprocess.run(["git", "cat-file", "-e", f"HEAD:{pointer}"], cwd=root, capture_output=True)
    return proc.returncode == 0


def random_delays(rng: random.Random, n: int, longest: float) -> list[float]:
    return [rng.uniform(0.0, longest) for _ in range(n)]
