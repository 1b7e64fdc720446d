"""What the CI templates' cache of ``.git/registry-cache/`` buys: a CI job's
``registry check`` in a fresh clone, cold and with a restored cache.

    .venv/bin/python bench/ci_cache.py REGISTRY [--runs 5] [--behind 50]

REGISTRY is a registry made by ``bench/generate.py`` (the reference size:
1,000 models x 20 versions, 5,000 commits). Each run makes a fresh clone,
as a CI checkout does, and times ``registry check`` (whole tree) and
``registry check --base HEAD~1`` (a one-commit pull request):

- cold: no cache, what a CI job without the cache step gets;
- cached, same commit: the cache saved by a job on this commit (a re-run);
- cached, older commit: the cache saved ``--behind`` commits earlier, which
  the templates' restore-keys fall back to (a new pull request on a main
  branch that has moved on).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = str(Path(sys.executable).parent / "registry")


def clone(source: Path, dest: Path, rev: str) -> None:
    subprocess.run(["git", "clone", "-q", "--no-local", str(source), str(dest)], check=True)
    subprocess.run(["git", "checkout", "-q", "--detach", rev], cwd=dest, check=True)


def timed(args: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"registry {' '.join(args)} failed: {proc.stdout[-500:]}{proc.stderr[-500:]}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("registry", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--behind", type=int, default=50)
    args = ap.parse_args()
    source = args.registry.resolve()
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True, check=True
    )
    rev = head.stdout.strip()
    older = f"{rev}~{args.behind}"
    rows: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="registry-ci-") as tmp_name:
        tmp = Path(tmp_name)
        saved: dict[str, Path] = {}
        for name, at in (("same", rev), ("older", older)):
            seed = tmp / f"seed-{name}"
            clone(source, seed, at)
            timed(["check"], seed)
            timed(["check", "--base", "HEAD~1"], seed)
            saved[name] = seed / ".git" / "registry-cache"
        for i in range(args.runs):
            for label, cache in (
                ("cold", None),
                ("cached, same commit", saved["same"]),
                (f"cached, {args.behind} commits older", saved["older"]),
            ):
                job = tmp / f"job-{i}-{len(rows.get(label, {}).get('check', []))}-{label[:4]}"
                clone(source, job, rev)
                if cache is not None:
                    shutil.copytree(cache, job / ".git" / "registry-cache")
                row = rows.setdefault(label, {"check": [], "base": []})
                row["check"].append(timed(["check"], job))
                shutil.rmtree(job / ".git" / "registry-cache", ignore_errors=True)
                if cache is not None:
                    shutil.copytree(cache, job / ".git" / "registry-cache")
                row["base"].append(timed(["check", "--base", "HEAD~1"], job))
                shutil.rmtree(job)
    print(f"Fresh clones of {source} at {rev[:10]}; {args.runs} runs each, median (min) seconds\n")
    print("| CI job's cache | `registry check` | `registry check --base HEAD~1` |")
    print("|---|---:|---:|")
    for label, row in rows.items():
        check, base = row["check"], row["base"]
        print(
            f"| {label} | {statistics.median(check):.2f} ({min(check):.2f}) "
            f"| {statistics.median(base):.2f} ({min(base):.2f}) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
