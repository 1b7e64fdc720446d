"""Time the registry at scale and print a Markdown table.

    python bench/run.py [--models 1000 --versions 20 --commits 5000] [--keep DIR] [--runs 5]

Generates a synthetic registry with bench/generate.py (or reuses the one in
``--keep DIR``), then times the real CLI as subprocesses (process start
included) and a few in-process calls, each several times, and prints the
median against DESIGN.md's targets. "Cold" means the parse cache
(``$(git rev-parse --git-common-dir)/registry-cache/``) is deleted before each
run; the OS file cache stays warm. A CLI command that fails is shown as n/a.
Run it with the project's venv (``.venv/bin/python bench/run.py``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(PROJECT))

import generate  # noqa: E402


def default_cli() -> str:
    for cand in (Path(sys.executable).parent / "registry", PROJECT / ".venv" / "bin" / "registry"):
        if cand.exists():
            return str(cand)
    return shutil.which("registry") or str(PROJECT / ".venv" / "bin" / "registry")


def sh(args: list[str], cwd: Path) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def machine_info() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = sh(["nproc"], Path.cwd())
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    speed = statistics.median(_loop_seconds() for _ in range(3))
    return [
        f"- machine: {nproc} CPU(s), {cpu}, {platform.system()} {platform.release()}",
        f"- python {platform.python_version()} ({sys.executable}), {sh(['git', '--version'], Path.cwd())}",
        f"- load average at start: {load}",
        f"- CPU speed reference: a pure-Python loop of 5M additions takes {speed:.3f} s "
        "(this VM's speed drifts by up to 1.5x over minutes; compare rows within one run)",
    ]


def _loop_seconds() -> float:
    t0 = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - t0


def cache_dir(repo: Path) -> Path:
    return (repo / sh(["git", "rev-parse", "--git-common-dir"], repo)).resolve() / "registry-cache"


class Result:
    def __init__(self, name: str, target: float | None, note: str = "") -> None:
        self.name, self.target, self.note = name, target, note
        self.times: list[float] = []
        self.peaks: list[float] = []
        """Peak resident memory of each timed process (MB, with its children)."""
        self.error: str | None = None

    def row(self) -> str:
        if self.error is not None or not self.times:
            return (
                f"| {self.name} | n/a | | | {len(self.times)} | {self._target()} | "
                f"n/a: {self.error or 'not run'} |"
            )
        med = statistics.median(self.times)
        verdict = "—" if self.target is None else ("pass" if med < self.target else "**miss**")
        if self.note:
            verdict += f" ({self.note})"
        peak = f"{max(self.peaks):,.0f}" if self.peaks else ""
        return (
            f"| {self.name} | {med:.3f} | {min(self.times):.3f} | {peak} | {len(self.times)} | "
            f"{self._target()} | {verdict} |"
        )

    def _target(self) -> str:
        return "" if self.target is None else f"< {self.target:g}"


def run_measured(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run ``cmd``; return its result, wall seconds and peak resident memory
    in MB (``wait4``'s ``ru_maxrss``: the largest of the process and of the
    children it waited for)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    chunks: dict[str, str] = {}

    def drain(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=("out", proc.stdout)),
        threading.Thread(target=drain, args=("err", proc.stderr)),
    ]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = chunks.get("out", ""), chunks.get("err", "")
    done = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    return done, elapsed, usage.ru_maxrss / 1024


def time_cli(
    res: Result,
    cli: str,
    args: list[str],
    repo: Path,
    runs: int,
    *,
    before: Callable[[], None] | None = None,
    warmup: bool = True,
    ok_codes: tuple[int, ...] = (0,),
) -> None:
    cmd = [cli, *args]
    env = {k: v for k, v in os.environ.items() if k != "REGISTRY_NO_CACHE"}
    if warmup:
        proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, env=env)
        if proc.returncode not in ok_codes:
            res.error = f"exit {proc.returncode}"
            report_failure(cmd, proc)
            return
    for _ in range(runs):
        if before is not None:
            before()
        proc, elapsed, peak = run_measured(cmd, repo, env)
        if proc.returncode not in ok_codes:
            res.error = f"exit {proc.returncode}"
            report_failure(cmd, proc)
            return
        res.times.append(elapsed)
        res.peaks.append(peak)


def time_history(repo: Path, cli: str, models: list[str], runs: int) -> list[Result]:
    """The whole history cold (no cache) and warm, one model's, and a read --at a past moment.

    Between the cold runs, in the same minute, the git commands a cold run
    waits for are timed alone: the exact ``git log`` it runs (over the whole
    main line in one process, and as history runs it, the two halves side by
    side) and one ``git cat-file --batch`` of every record blob it reads, so
    the table shows how much of the time is git's own."""
    from registry import git
    from registry.history import diff, walk
    from registry.layout import MODELS_DIR, REGISTRY_FILE

    cache = cache_dir(repo)
    paths = [MODELS_DIR, REGISTRY_FILE]
    log_cmd = ["git", *git.log_command("HEAD", paths, first_parent=False)]
    mainline = sh(["git", "rev-list", "--first-parent", "--reverse", "HEAD"], repo).split()
    cut = mainline[round(len(mainline) * walk._OLDER_SHARE) - 1]
    halves = [["git", *git.log_command(span, paths, first_parent=False)] for span in (cut, f"{cut}..HEAD")]
    blobs = dict.fromkeys(
        b
        for e in git.log(repo, "HEAD", paths, first_parent=False, keep=diff._is_record)
        for c in e.changes
        for b in (c.old, c.new)
        if b
    )
    wanted = "".join(b + "\n" for b in blobs).encode()

    whole_cold = Result("`registry history` (whole registry), cold", 3.0)
    log_alone = Result("baseline: its `git log --raw` alone, whole main line in one process", None)
    log_halves = Result(
        "baseline: its `git log --raw` alone, both halves side by side (as history runs them)", None
    )
    cat_alone = Result(
        f"baseline: `git cat-file --batch` of the {len(blobs):,} record blobs it reads, alone", None
    )

    def quietly(cmd: list[str], stdin: bytes | None = None) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(cmd, cwd=repo, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        assert proc.stdin is not None
        proc.stdin.write(stdin or b"")
        proc.stdin.close()
        return proc

    def timed(res: Result, *cmds: tuple[list[str], bytes | None]) -> None:
        t0 = time.perf_counter()
        procs = [quietly(cmd, stdin) for cmd, stdin in cmds]
        if any(p.wait() != 0 for p in procs):
            res.error = "git failed"
        res.times.append(time.perf_counter() - t0)

    for i in range(runs):  # alternated, so that each sees the machine as the others do
        timed(log_alone, (log_cmd, None))
        timed(log_halves, (halves[0], None), (halves[1], None))
        timed(cat_alone, (["git", "cat-file", "--batch"], wanted))
        time_cli(
            whole_cold,
            cli,
            ["history"],
            repo,
            1,
            before=lambda: shutil.rmtree(cache, ignore_errors=True),
            warmup=i == 0,
        )
    if whole_cold.times and log_alone.times:
        cold, alone = statistics.median(whole_cold.times), statistics.median(log_alone.times)
        halves_alone = statistics.median(log_halves.times)
        whole_cold.note = (
            f"{cold / alone:.1f}x its `git log` alone ({alone:.2f} s), "
            f"{cold / halves_alone:.1f}x its two halves side by side ({halves_alone:.2f} s), same runs"
        )
    whole_warm = Result("`registry history` (whole registry), warm", None)
    time_cli(whole_warm, cli, ["history"], repo, runs)
    model = models[len(models) // 2]
    one = Result(f"`registry history {model}`", 1.0)
    time_cli(one, cli, ["history", model], repo, runs)
    times = sh(["git", "log", "--first-parent", "--format=%cI"], repo).splitlines()
    moment = times[len(times) // 2]
    first = models[0]  # created first, so it exists at mid-history
    at = Result(f"`registry show {first} --at` (mid-history)", 1.0)
    time_cli(at, cli, ["show", first, "--at", moment], repo, runs)
    return [whole_cold, log_alone, log_halves, cat_alone, whole_warm, one, at]


def time_site(
    repo: Path, cli: str, models: list[str], site_target: float = 60.0, serve: bool = True
) -> list[Result]:
    """One full catalog build (it is long: one run), its sizes, and how long
    `registry serve` takes to show an edited record."""
    import urllib.request

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build = Result("`registry site build` (full catalog, MkDocs + Material)", site_target)
        proc, elapsed, peak = run_measured([cli, "site", "build", "-o", str(out)], repo)
        if proc.returncode == 0:
            build.times.append(elapsed)
            build.peaks.append(peak)
            pages = list(out.rglob("*.html"))
            largest = max(pages, key=lambda p: p.stat().st_size)
            index = out / "search" / "search_index.json"
            build.note = (
                f"{len(pages)} pages; largest {largest.relative_to(out)} {largest.stat().st_size / 1e3:.0f} KB "
                f"(target < 300 KB); search index {index.stat().st_size / 1e6:.1f} MB (target < 5 MB)"
            )
        else:
            build.error = f"exit {proc.returncode}"
            report_failure([cli, "site", "build"], proc)
        rows.append(build)
    if not serve:
        return rows
    served = Result("`registry serve`: edit one record until the page shows it", 5.0)
    rows.append(served)
    model = models[0]
    record = sorted((repo / "models" / model / "versions").glob("*.yaml"))[0]
    original = record.read_bytes()
    port = 8000 + os.getpid() % 1000
    server = subprocess.Popen(
        [cli, "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=repo,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/models/{model}/index.html"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            return ""

    try:
        deadline = time.time() + 900
        while "Version" not in page() and time.time() < deadline:
            time.sleep(1)
        marker = f"bench-edit-{os.getpid()}"
        record.write_bytes(original.replace(b"description: |\n", f"description: |\n  {marker}\n".encode(), 1))
        t0 = time.perf_counter()
        while marker not in page() and time.time() < deadline:
            time.sleep(0.2)
        if marker in page():
            served.times.append(time.perf_counter() - t0)
        else:
            served.error = "the edit never showed"
    finally:
        record.write_bytes(original)
        server.terminate()
        server.wait(timeout=30)
    return rows


def time_writes(repo: Path, cli: str, models: list[str], runs: int) -> list[Result]:
    """promote and register, each run a real commit; the repository is reset afterwards."""
    origin = sh(["git", "rev-parse", "HEAD"], repo)
    promote = Result("`registry promote` (checks, write, commit)", 1.0)
    register = Result("`registry register` (1 MB file, with DVC)", None)
    pushed = Result("`registry register --push` (1 MB file, to a folder remote)", None)
    dvc_add = Result("`dvc add` alone (1 MB file)", None)
    dvc = Path(sys.executable).parent / "dvc"
    try:
        for model in models:
            if len(promote.times) >= runs:
                break
            versions = sorted(int(p.stem) for p in (repo / "models" / model / "versions").glob("*.yaml"))
            t0 = time.perf_counter()
            proc = subprocess.run(
                [cli, "promote", model, str(versions[-1]), "production"],
                cwd=repo,
                capture_output=True,
                text=True,
            )
            if proc.returncode == 0:  # the gate refuses some staging versions: try the next model
                promote.times.append(time.perf_counter() - t0)
        if dvc.exists():
            if not (repo / ".dvc" / "config").exists():
                subprocess.run([str(dvc), "init", "-q", "--force"], cwd=repo, check=True, capture_output=True)
                subprocess.run(["git", "add", "-A", ".dvc", ".dvcignore"], cwd=repo, check=True)
                subprocess.run(
                    ["git", "commit", "-qm", "dvc init"], cwd=repo, check=True, capture_output=True
                )
            with tempfile.TemporaryDirectory() as tmp:
                # A folder remote, as the default, for the --push row (reset with the repository).
                subprocess.run(
                    [str(dvc), "remote", "add", "-f", "-d", "bench", str(Path(tmp) / "remote")],
                    cwd=repo,
                    check=True,
                    capture_output=True,
                )
                for i in range(runs):
                    for res, extra in ((register, []), (pushed, ["--push"])):
                        weights = Path(tmp) / f"w{i}{len(extra)}" / "model.onnx"
                        weights.parent.mkdir()
                        weights.write_bytes(os.urandom(1 << 20))
                        t0 = time.perf_counter()
                        subprocess.run(
                            [cli, "register", models[i], str(weights), *extra],
                            cwd=repo,
                            check=True,
                            capture_output=True,
                        )
                        res.times.append(time.perf_counter() - t0)
                    alone = repo / f"bench-dvc-add-{i}.bin"
                    alone.write_bytes(os.urandom(1 << 20))
                    t0 = time.perf_counter()
                    subprocess.run(
                        [str(dvc), "add", "-q", alone.name], cwd=repo, check=True, capture_output=True
                    )
                    dvc_add.times.append(time.perf_counter() - t0)
        else:
            register.error = pushed.error = dvc_add.error = "dvc is not installed beside this Python"
    finally:
        subprocess.run(["git", "reset", "-q", "--hard", origin], cwd=repo, check=True)
        subprocess.run(["git", "clean", "-fdqx", "-e", ".git", "--", "."], cwd=repo, check=False)
    if register.times and dvc_add.times:
        extra = statistics.median(register.times) - statistics.median(dvc_add.times)
        register.note = f"{extra:+.2f} s over `dvc add` alone; target within 1.5 s"
    return [promote, register, pushed, dvc_add]


def report_failure(cmd: list[str], proc: subprocess.CompletedProcess[str]) -> None:
    print(f"\n`{' '.join(cmd[1:])}` exited {proc.returncode}; first lines:\n", file=sys.stderr)
    lines = (proc.stdout + proc.stderr).splitlines()
    for line in lines[:10]:
        print(f"    {line}", file=sys.stderr)
    if len(lines) > 10:
        print(f"    ... ({len(lines)} lines)", file=sys.stderr)


def time_call(
    res: Result, func: Callable[[], object], runs: int, before: Callable[[], None] | None = None
) -> None:
    for _ in range(runs):
        if before is not None:
            before()
        t0 = time.perf_counter()
        try:
            func()
        except Exception as exc:  # report and go on with the other rows
            res.error = f"{type(exc).__name__}: {exc}"[:120]
            return
        res.times.append(time.perf_counter() - t0)


# -- the one-record pull request ---------------------------------------------

NEW_VERSION = """\
created_at: 2026-01-15T09:30:00Z
created_by: bench@example.com
stage: none
description: |
  Benchmark pull request: one newly registered version.
tags: {{dataset: bench, architecture: mlp, framework: onnx}}
metrics:
  f1: 0.91
  precision: 0.9
params:
  learning_rate: 0.001
  batch_size: 256
artifact:
  path: artifacts/{n}/model.onnx
  md5: 0123456789abcdef0123456789abcdef
  size: 123456
lineage:
  code: {{repo: "git@github.com:acme/training.git", commit: 4a8d15d8cafe, path: train.py}}
  data:
  - {{name: bench, path: data/bench.parquet, version: v1}}
  run: {{id: bench0001, uri: "mlflow-run://bench0001"}}
"""
NEW_DVC = "outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 123456\n  hash: md5\n  path: model.onnx\n"


class PullRequest:
    """Edit one version's description and register one new version, in the work tree."""

    def __init__(self, repo: Path, models: list[str]) -> None:
        self.repo = repo
        edit_model = models[min(2, len(models) - 1)]
        self.edited = repo / "models" / edit_model / "versions" / "1.yaml"
        self.new_model = models[min(3, len(models) - 1)]
        versions = repo / "models" / self.new_model / "versions"
        self.n = max(int(p.stem) for p in versions.glob("*.yaml")) + 1
        self.new_files = [
            versions / f"{self.n}.yaml",
            repo / "models" / self.new_model / "artifacts" / str(self.n) / "model.onnx.dvc",
        ]
        self.original = b""

    def apply(self) -> None:
        self.original = self.edited.read_bytes()
        text = self.original.decode()
        assert "description: |\n" in text, self.edited
        self.edited.write_text(text.replace("description: |\n", "description: |\n  Edited in a PR.\n", 1))
        self.new_files[1].parent.mkdir(parents=True, exist_ok=True)
        self.new_files[0].write_text(NEW_VERSION.format(n=self.n))
        self.new_files[1].write_text(NEW_DVC)

    def revert(self) -> None:
        if self.original:
            self.edited.write_bytes(self.original)
        for p in self.new_files:
            p.unlink(missing_ok=True)
        if self.new_files[1].parent.exists() and not any(self.new_files[1].parent.iterdir()):
            self.new_files[1].parent.rmdir()

    def describe(self) -> str:
        rel = self.edited.relative_to(self.repo)
        return f"{rel} description edited + {self.new_model} version {self.n} registered"


# -- main ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=20)
    ap.add_argument("--commits", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--keep", type=Path, metavar="DIR", help="generate into DIR and keep it; reuse it if it exists"
    )
    ap.add_argument("--runs", type=int, default=5, help="timed runs per row (median reported)")
    ap.add_argument("--cli", default=default_cli(), help="the registry executable (default: the venv's)")
    ap.add_argument(
        "--only",
        choices=["all", "writes", "history", "site", "scale"],
        default="all",
        help=(
            "writes: promote and register only; history: history and --at only; site: the catalog only; "
            "scale: the rows and goals for ten times the reference (check, show, list, search, history, "
            "catalog, with peak memory)"
        ),
    )
    args = ap.parse_args(argv)

    print("# Registry benchmark\n")
    for line in machine_info():
        print(line)

    temp = None
    if args.keep is not None and (args.keep / ".git").exists():
        repo = args.keep.resolve()
        gen_note = f"reused {repo}"
    else:
        if args.keep is not None:
            repo = args.keep.resolve()
        else:
            temp = tempfile.mkdtemp(prefix="registry-bench-", dir="/tmp")
            repo = Path(temp) / "registry"
        info = generate.generate(repo, args.models, args.versions, args.commits, args.seed)
        gen_note = f"generated in {info['seconds_total']} s (seed {args.seed})"
    try:
        return run(repo, args, gen_note)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def run(repo: Path, args: argparse.Namespace, gen_note: str) -> int:
    models = sorted(p.name for p in (repo / "models").iterdir() if p.is_dir())
    n_versions = sum(1 for _ in (repo / "models").glob("*/versions/*.yaml"))
    n_commits = sh(["git", "rev-list", "--count", "HEAD"], repo)
    n_files = len(sh(["git", "ls-files"], repo).splitlines())
    print(
        f"- registry: {len(models)} models, {n_versions} versions, {n_commits} commits, "
        f"{n_files} tracked files; {gen_note}"
    )
    print(f"- CLI: {args.cli}; {args.runs} timed runs per row; cold = parse cache deleted before each run\n")
    dirty = sh(["git", "status", "--porcelain"], repo)
    if dirty:
        print(f"warning: {repo} has uncommitted changes:\n{dirty[:500]}\n", file=sys.stderr)

    cache = cache_dir(repo)

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    runs = args.runs
    cli = args.cli
    if args.only == "writes":
        _table(time_writes(repo, cli, models, runs))
        return 0
    rows: list[Result] = []
    if args.only == "history":
        _table(time_history(repo, cli, models, runs))
        return 0
    if args.only == "site":
        _table(time_site(repo, cli, models))
        return 0
    if args.only == "scale":
        _table(time_scale(repo, cli, models, runs, drop_cache))
        return 0
    have_cli = Path(cli).exists() or shutil.which(cli) is not None

    def cli_row(name: str, target: float | None, cmd: list[str], **kw: object) -> Result:
        res = Result(name, target)
        rows.append(res)
        if not have_cli:
            res.error = f"{cli} not found"
        else:
            time_cli(res, cli, cmd, repo, runs, **kw)  # type: ignore[arg-type]
        return res

    start = cli_row("`registry --version` (process start)", None, ["--version"])
    # Floors for the warm path: what reading the index and the work tree costs in git alone.
    for name, cmd in (
        ("baseline: `git ls-files -s`", ["git", "ls-files", "-s"]),
        (
            "baseline: `git status --porcelain -uall`",
            ["git", "status", "--porcelain", "--untracked-files=all"],
        ),
    ):
        res = Result(name, None)
        rows.append(res)
        time_cli(res, cmd[0], cmd[1:], repo, runs)
    cli_row("`registry check`, cold", 4.0, ["check"], before=drop_cache, warmup=False)
    cli_row("`registry check`, warm", 1.0, ["check"])
    pr = PullRequest(repo, models)
    pr.apply()
    try:
        cli_row("`registry check --base HEAD~1`, one-record PR, warm", 1.0, ["check", "--base", "HEAD~1"])
    finally:
        pr.revert()
    show_ref = f"{models[min(1, len(models) - 1)]}@champion"
    cli_row(f"`registry show {show_ref}`", 0.3, ["show", show_ref])
    cli_row("`registry list`", None, ["list"])
    if have_cli:
        rows.extend(time_history(repo, cli, models, runs))
        rows.extend(time_writes(repo, cli, models, runs))

    # In-process calls (imports excluded; module-level caches stay warm between runs).
    try:
        from registry.check import check
        from registry.load import load
    except Exception as exc:
        for name in ("`load(repo)`, cold", "`load(repo)`, warm", "`check(repo)`, warm"):
            r = Result(name, None)
            r.error = f"import failed: {exc}"
            rows.append(r)
    else:
        r = Result("in-process `load(repo)`, cold", None)
        rows.append(r)
        time_call(r, lambda: load(repo), runs, before=drop_cache)
        load(repo)
        r = Result("in-process `load(repo)`, warm", None)
        rows.append(r)
        time_call(r, lambda: load(repo), runs)
        r = Result("in-process `check(repo)`, warm", None)
        rows.append(r)
        found: list[object] = []
        time_call(r, lambda: found.append(check(repo)), runs)
        if found and found[-1]:
            problems = found[-1]
            assert isinstance(problems, list)
            r.note = f"{len(problems)} problem(s)"
            print(f"\ncheck(repo) found {len(problems)} problem(s); first lines:", file=sys.stderr)
            for p in problems[:10]:
                print(f"    {p}", file=sys.stderr)

    print(f"One-record PR: {pr.describe()} (reverted afterwards).\n")
    _table(rows)
    if start.times:
        print(f"\nProcess start alone (`registry --version`): {statistics.median(start.times):.3f} s median.")
    return 0


MEMORY_GOAL_MB = 4096


def time_scale(
    repo: Path, cli: str, models: list[str], runs: int, drop_cache: Callable[[], None]
) -> list[Result]:
    """Ten times the reference (10,000 models x 20 versions, 50,000 commits):
    the goals are check warm < 3 s, show < 0.3 s and the catalog < 10 min,
    each under 4 GB of memory."""
    rows = []

    def row(name: str, target: float | None, cmd: list[str], **kw: Any) -> None:
        res = Result(name, target)
        rows.append(res)
        time_cli(res, cli, cmd, repo, runs, **kw)

    row("`registry check`, cold", None, ["check"], before=drop_cache, warmup=False)
    row("`registry check`, warm", 3.0, ["check"])
    row(f"`registry show {models[1]}@champion`", 0.3, ["show", f"{models[1]}@champion"])
    row("`registry list`", None, ["list"])
    query = "tags.domain = 'payments' AND metrics.f1 > 0.9 AND stage = 'production'"
    row(f'`registry search "{query}"`', None, ["search", query])
    row("`registry history` (whole registry), cold", None, ["history"], before=drop_cache, warmup=False)
    row("`registry history` (whole registry), warm", None, ["history"])
    rows.extend(time_site(repo, cli, models, site_target=600.0, serve=False))
    for res in rows:
        if res.peaks and max(res.peaks) >= MEMORY_GOAL_MB:
            res.note = (res.note + "; " if res.note else "") + f"**memory over {MEMORY_GOAL_MB:,} MB**"
    return rows


def _table(rows: list[Result]) -> None:
    print("| operation | median s | min s | peak MB | runs | target | result |")
    print("|---|---:|---:|---:|---:|---|---|")
    for res in rows:
        print(res.row())


if __name__ == "__main__":
    sys.exit(main())
