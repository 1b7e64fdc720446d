"""`registry import gto` of a generated GTO repository.

    python bench/import_gto.py [--artifacts 300] [--versions 20]

Generates a GTO repository with git alone, as GTO writes it: one commit of
`artifacts.yaml` and a small file per artifact, then for each artifact
`--versions` annotated registration tags (`name@v0.N.0`), a `prod`
assignment (`name#prod#K`) every fifth version and a `staging` one every
third, each tag one second after the last (GTO orders by tag time). With
300 x 20 that is 6,000 registrations and 3,200 stage tags. Then times
`registry import gto` into a new `registry init` registry, a second run
(nothing new), and `registry check`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import machine_info  # noqa: E402

BIN = Path(sys.executable).parent
START = 1_780_000_000


def generate(repo: Path, artifacts: int, versions: int) -> int:
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@example.com"}
    env |= {"GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "ana@example.com"}
    lines = []
    for a in range(artifacts):
        (repo / "models").mkdir(exist_ok=True)
        (repo / "models" / f"a{a:04d}.bin").write_bytes(f"weights of a{a:04d}".encode() * 64)
        lines.append(f"a{a:04d}:\n  type: model\n  path: models/a{a:04d}.bin\n")
    (repo / "artifacts.yaml").write_text("".join(lines))
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "models"], cwd=repo, check=True, env=env)
    count, t = 0, START
    script = []
    for a in range(artifacts):
        counter = 0
        for v in range(1, versions + 1):
            name = f"a{a:04d}"
            script.append((f"{name}@v0.{v}.0", f"Registering artifact {name} version v0.{v}.0", t))
            t += 1
            for stage, every in (("prod", 5), ("staging", 3)):
                if v % every == 0:
                    counter += 1
                    message = f"Assigning stage {stage} to artifact {name} version v0.{v}.0"
                    script.append((f"{name}#{stage}#{counter}", message, t))
                    t += 1
    for tag, message, when in script:
        stamp = {"GIT_COMMITTER_DATE": f"@{when} +0000"}
        subprocess.run(["git", "tag", "-a", tag, "-m", message], cwd=repo, check=True, env=env | stamp)
        count += 1
    return count


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-4000:]}{done.stdout[-2000:]}")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--artifacts", type=int, default=300)
    ap.add_argument("--versions", type=int, default=20)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="registry-gto-bench-") as tmp:
        base = Path(tmp)
        start = time.perf_counter()
        tags = generate(base / "gto", args.artifacts, args.versions)
        made = time.perf_counter() - start
        reg = base / "registry"
        registry = [str(BIN / "registry")]
        subprocess.run([*registry, "init", str(reg)], check=True, capture_output=True)
        rows = [
            ("`registry import gto`", timed([*registry, "import", "gto", str(base / "gto")], reg)),
            (
                "`registry import gto` again, nothing new",
                timed([*registry, "import", "gto", str(base / "gto")], reg),
            ),
            ("`registry check` of the result", timed([*registry, "check"], reg)),
        ]
        print("\n".join(machine_info()))
        print(f"- {args.artifacts} artifacts x {args.versions} versions: {tags} tags, made in {made:.0f} s\n")
        print("| step | seconds | per tag, ms |")
        print("|---|---:|---:|")
        for name, seconds in rows:
            print(f"| {name} | {seconds:.1f} | {seconds / tags * 1000:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
