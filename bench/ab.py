"""Compare two checkouts of the project row by row, interleaved.

    python bench/ab.py OLD_CHECKOUT NEW_CHECKOUT REGISTRY [--runs 7]

Each checkout needs its own venv (``.venv``). The registry is copied once
per checkout, so the two never share (and thrash) one parse cache. Runs
alternate old, new, new, old ... so that the VM's drift falls on both
alike; the table gives each side's median and the ratio new / old.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, check=True)
    return time.perf_counter() - start


def rows(checkout: Path, reg: Path) -> dict[str, Callable[[], float]]:
    cli = str(checkout / ".venv" / "bin" / "registry")
    py = str(checkout / ".venv" / "bin" / "python")
    load = f"import sys; sys.path.insert(0, {str(checkout)!r}); from registry.load import load; load({str(reg)!r})"
    return {
        "`registry --version`": lambda: timed([cli, "--version"], reg),
        "`registry check`, warm": lambda: timed([cli, "check"], reg),
        "`registry show m0001@champion`": lambda: timed([cli, "show", "m0001@champion"], reg),
        "`registry list`": lambda: timed([cli, "list"], reg),
        "`registry history m0500`, warm": lambda: timed([cli, "history", "m0500"], reg),
        "`registry history`, whole registry, warm": lambda: timed([cli, "history"], reg),
        "in-process `load(repo)`, no cache": lambda: timed(
            [py, "-c", load], Path("/"), {"REGISTRY_NO_CACHE": "1"}
        ),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("registry", type=Path)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="registry-ab-") as tmp:
        regs = {}
        for side in ("old", "new"):
            regs[side] = Path(tmp) / side
            shutil.copytree(args.registry, regs[side], symlinks=True)
            shutil.rmtree(regs[side] / ".git" / "registry-cache", ignore_errors=True)
        old, new = rows(args.old.resolve(), regs["old"]), rows(args.new.resolve(), regs["new"])
        print("| operation | old median s | new median s | new / old |")
        print("|---|---:|---:|---:|")
        for name in old:
            old[name](), new[name]()  # fill each side's cache
            got: dict[str, list[float]] = {"old": [], "new": []}
            for i in range(args.runs):
                order = (("old", old), ("new", new)) if i % 2 == 0 else (("new", new), ("old", old))
                for side, table in order:
                    got[side].append(table[name]())
            a, b = statistics.median(got["old"]), statistics.median(got["new"])
            print(f"| {name} | {a:.3f} | {b:.3f} | {b / a:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
