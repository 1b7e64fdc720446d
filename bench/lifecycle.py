"""`registry check` on the benchmark registry with and without the lifecycle
features, side by side in one run.

    python bench/lifecycle.py [--models 1000 --versions 20 --commits 5000] [--share 0.1] [--runs 7]

Generates the reference registry twice from one seed: as it is, and with
semantic versions, a traffic split and a deleted version on ``--share`` of
its models (``generate.py --lifecycle``). Times the real CLI on both,
interleaved (plain, variant, variant, plain ...) so the VM's drift falls on
both alike: `check` cold (parse cache deleted before each run), warm, and
`check --base HEAD~1` (the variant's last commit is the change that turns
the features on). Prints each side's median and the ratio variant / plain.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import cache_dir, default_cli, machine_info, run_measured  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=20)
    ap.add_argument("--commits", type=int, default=5000)
    ap.add_argument("--share", type=float, default=0.1)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    cli = default_cli()
    with tempfile.TemporaryDirectory(prefix="registry-lifecycle-") as tmp:
        plain, variant = Path(tmp) / "plain", Path(tmp) / "variant"
        for repo in (plain, variant):
            generate.generate(repo, args.models, args.versions, args.commits, 0)
        changed = generate.add_lifecycle(variant, args.share)
        print("\n".join(machine_info()))
        print(
            f"- registry: {args.models} models x {args.versions} versions, {args.commits} commits; "
            f"the variant has semver, a traffic split and a tombstone on {changed} models\n"
        )
        for repo in (plain, variant):  # both must be clean, or the times compare different work
            done, _, _ = run_measured([cli, "check"], repo)
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
                raise SystemExit(f"`registry check` fails on {repo.name}")
        rows = {
            "`registry check`, cold": (["check"], True),
            "`registry check`, warm": (["check"], False),
            "`registry check --base HEAD~1`, warm": (["check", "--base", "HEAD~1"], False),
        }
        print("| operation | plain median s | variant median s | variant / plain |")
        print("|---|---:|---:|---:|")
        for name, (cmd, cold) in rows.items():
            got: dict[Path, list[float]] = {plain: [], variant: []}
            for repo in (plain, variant):
                run_measured([cli, *cmd], repo)  # fill the cache
            for i in range(args.runs):
                for repo in (plain, variant) if i % 2 == 0 else (variant, plain):
                    if cold:
                        shutil.rmtree(cache_dir(repo), ignore_errors=True)
                    _, seconds, _ = run_measured([cli, *cmd], repo)
                    got[repo].append(seconds)
            a, b = statistics.median(got[plain]), statistics.median(got[variant])
            print(f"| {name} | {a:.3f} | {b:.3f} | {b / a:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
