"""Artifact bytes through the registry and through DVC alone, side by side.

    python bench/folders.py [--size-mb 1024] [--files 1000] [--runs 3] [--big-mb 2048] [--dir /tmp]

Times ``registry register`` (with and without ``--push``) and ``registry
pull`` against the DVC commands that leave the same bytes in the same
places, for one large file (``--size-mb`` of random bytes) and for a folder
of ``--files`` small files (1 to 64 KB, in a few subfolders, from a fixed
seed); then the peak memory of registering and pulling a ``--big-mb`` file.

Fairness. Every run of every row starts from fresh repositories, so each
side starts with an empty DVC cache (and an empty folder remote) and DVC
has no hash state of an earlier run; their setup is not timed. Both sides
use DVC's default cache mode (``reflink,copy``: a copy on ext4). Each
side's input (the artifact, or for a pull the remote's folder) is read just
before its timed command, so both read from the OS file cache; ``sync``
runs before each timed command, so neither pays for the other's write-back.
Runs alternate which side goes first, so the VM's drift falls on both
alike; the tables give medians (and minimums) and the ratio registry / DVC.
Each run checks that both sides' ``.dvc`` pointers name the same md5 (for a
folder, the same ``.dir`` manifest), that pushed objects reached the remote
and that pulled bytes are in the work tree.

Run it with the project's venv (``.venv/bin/python bench/folders.py``); DVC
must be installed beside it. It checks the free space first (about nine
times ``--size-mb``, or six times ``--big-mb``) and removes its scratch
folder at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench_run  # noqa: E402 - machine_info and default_cli, as run.py prints them

MODEL = "m"
GOAL = 1.2
"""At most this many times DVC's own time."""
MB = 1 << 20
TIME = Path("/usr/bin/time")
SELF_RSS = (
    "import os, resource, sys\n"
    "from registry.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "with open(os.environ['BENCH_SELF_RSS'], 'w') as f:\n"
    "    f.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    "sys.exit(code)\n"
)
"""``registry ARGS`` as the console script runs it, writing its own peak
RSS (KB, this process alone, no children) to ``$BENCH_SELF_RSS``."""


@dataclass
class Timing:
    wall: float
    cpu: float
    """User + system seconds of the commands and the children they waited for."""


@dataclass
class Row:
    """One operation, the registry's command against DVC's."""

    name: str
    registry: str
    dvc: str
    reg: list[Timing] = field(default_factory=list)
    ref: list[Timing] = field(default_factory=list)

    def line(self) -> str:
        if not self.reg or not self.ref:
            return f"| {self.name} | n/a | n/a | | | | |"
        a = statistics.median(t.wall for t in self.reg)
        b = statistics.median(t.wall for t in self.ref)
        verdict = "pass" if a / b <= GOAL else "**miss**"
        return (
            f"| {self.name} | {a:.2f} ({min(t.wall for t in self.reg):.2f}) | "
            f"{b:.2f} ({min(t.wall for t in self.ref):.2f}) | {a / b:.2f} | "
            f"{statistics.median(t.cpu for t in self.reg):.2f} | {statistics.median(t.cpu for t in self.ref):.2f} | "
            f"{verdict} |"
        )


def table(title: str, rows: list[Row], runs: int) -> None:
    print(f"\n### {title}\n")
    print(
        "| operation | registry median s (min) | DVC median s (min) | registry / DVC | "
        f"registry CPU s | DVC CPU s | goal <= {GOAL}x |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(row.line())
    print(f"\n{runs} runs a side, alternating which side goes first; CPU is user + system, with children.\n")
    for row in rows:
        print(f"- {row.name}: {row.registry} against {row.dvc}.")
    sys.stdout.flush()


class Bench:
    def __init__(self, scratch: Path, cli: str) -> None:
        self.scratch = scratch
        self.cli = cli
        beside = Path(cli).parent / "python"
        self.python = str(beside) if beside.exists() else sys.executable
        self.dvc = str(Path(cli).parent / "dvc")
        if not Path(self.dvc).exists():
            self.dvc = shutil.which("dvc") or "dvc"
        self.logs = scratch / "logs"
        self.logs.mkdir()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "DVC_NO_ANALYTICS": "1",
            # DVC's hash and link state per repository, kept in the scratch folder (and removed with it).
            "DVC_SITE_CACHE_DIR": str(scratch / "dvc-site"),
            "GIT_AUTHOR_NAME": "Bench",
            "GIT_AUTHOR_EMAIL": "bench@example.com",
            "GIT_COMMITTER_NAME": "Bench",
            "GIT_COMMITTER_EMAIL": "bench@example.com",
        }
        self.env.pop("REGISTRY_NO_CACHE", None)

    # -- running commands ------------------------------------------------------

    def cmd(self, args: list[str], cwd: Path) -> str:
        """Run an untimed setup command; its output, or a clear failure."""
        proc = subprocess.run(args, cwd=cwd, env=self.env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(
                f"`{' '.join(args)}` in {cwd} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
            )
        return proc.stdout

    def measure(self, cmds: list[list[str]], cwd: Path, inputs: tuple[Path, ...]) -> Timing:
        """Wall and CPU seconds of ``cmds`` run one after the other, after
        reading their ``inputs`` (see :func:`warm`) and a ``sync``."""
        for path in inputs:
            warm(path)
        os.sync()
        wall = cpu = 0.0
        for args in cmds:
            log = self.logs / "last.log"
            with open(log, "wb") as out:
                t0 = time.perf_counter()
                proc = subprocess.Popen(args, cwd=cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT)
                _, status, usage = os.wait4(proc.pid, 0)
                wall += time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            cpu += usage.ru_utime + usage.ru_stime
            if proc.returncode != 0:
                raise SystemExit(
                    f"`{' '.join(args)}` in {cwd} exited {proc.returncode}:\n{log.read_text(errors='replace')}"
                )
        return Timing(wall, cpu)

    def peak(
        self, args: list[str], cwd: Path, inputs: tuple[Path, ...], self_rss: bool = False
    ) -> tuple[float, float | None, float]:
        """(peak RSS MB of the command and the children it waited for, peak MB
        of the registry process alone when ``self_rss``, wall seconds).
        ``/usr/bin/time -v`` reports the first when it is installed, else
        ``wait4``'s ``ru_maxrss`` (the same number)."""
        mine = self.logs / "self-rss"
        mine.unlink(missing_ok=True)
        if self_rss:
            args = [self.python, "-c", SELF_RSS, *args[1:]]
        env = {**self.env, "BENCH_SELF_RSS": str(mine)}
        report = self.logs / "time-v"
        wrapped = [str(TIME), "-v", "-o", str(report), *args] if TIME.exists() else args
        for path in inputs:
            warm(path)
        os.sync()
        log = self.logs / "last.log"
        with open(log, "wb") as out:
            t0 = time.perf_counter()
            proc = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(
                f"`{' '.join(args)}` exited {proc.returncode}:\n{log.read_text(errors='replace')}"
            )
        if TIME.exists():
            found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read_text())
            assert found, report.read_text()
            tree = int(found.group(1)) / 1024
        else:
            tree = usage.ru_maxrss / 1024
        alone = int(mine.read_text()) / 1024 if self_rss else None
        return tree, alone, wall

    # -- fresh repositories ----------------------------------------------------

    def new_registry(self, parent: Path) -> Path:
        """``registry init`` in ``parent/reg``: git, DVC and the default folder
        remote ``parent/reg-dvc-storage``, committed."""
        parent.mkdir(parents=True)
        self.cmd([self.cli, "init", "reg"], parent)
        return parent / "reg"

    def new_dvc_repo(self, parent: Path) -> Path:
        """The same for DVC alone: ``git init``, ``dvc init``, a default folder
        remote ``parent/storage`` (kept relative, as init keeps its own), committed."""
        repo = parent / "repo"
        repo.mkdir(parents=True)
        self.cmd(["git", "init", "-q", "-b", "main"], repo)
        self.cmd([self.dvc, "init", "-q"], repo)
        self.cmd([self.dvc, "remote", "add", "-d", "storage", "../storage"], repo)
        self.cmd(["git", "add", "-A"], repo)
        self.cmd(["git", "commit", "-qm", "dvc init"], repo)
        return repo


def warm(path: Path) -> None:
    """Read every file under ``path`` (untimed), so that a timed command
    reads it from the OS file cache. Both sides' inputs are read this way:
    this VM's memory manager (DAMON's ``pageout`` scheme) evicts pages unused
    for about a minute, and DVC's side reads a copy that was just written."""
    for file in [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()):
        with open(file, "rb") as fh:
            while fh.read(MB):
                pass


def pointer_md5(path: Path) -> str:
    found = re.search(r"md5: ([0-9a-f]{32}(?:\.dir)?)", path.read_text())
    assert found, path
    return found.group(1)


def in_storage(storage: Path, md5: str) -> bool:
    return (storage / "files" / "md5" / md5[:2] / md5[2:]).is_file()


def copy_in(src: Path, dest: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dest)
    else:
        shutil.copyfile(src, dest)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def tree_size(path: Path) -> tuple[int, int]:
    """(number of files, bytes) under ``path`` (a file: 1 and its size)."""
    if path.is_file():
        return 1, path.stat().st_size
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def free_tree(path: Path) -> None:
    """Remove a tree, then sync, so that its write-back and discards are not
    charged to the next timed command."""
    shutil.rmtree(path, ignore_errors=True)
    os.sync()


# -- the artifacts --------------------------------------------------------------


def make_file(path: Path, size_mb: int) -> None:
    with open(path, "wb") as out:
        left = size_mb * MB
        while left:
            n = min(left, 64 * MB)
            out.write(os.urandom(n))
            left -= n


def make_folder(path: Path, files: int, seed: int) -> None:
    """``files`` files of 1 to 64 KB in eight subfolders (two levels), from ``seed``."""
    rng = random.Random(seed)
    folders = [path / f"part{j}" / sub for j in range(4) for sub in ("", "shards")]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (folders[i % len(folders)] / f"{i:05d}.bin").write_bytes(rng.randbytes(rng.randint(1024, 64 * 1024)))


# -- one section: register, register --push, pull --------------------------------


def section(bench: Bench, art: Path, label: str, runs: int) -> list[Row]:
    name = art.name
    kind = "folder" if art.is_dir() else "file"
    base = bench.scratch / f"{kind}-runs"
    pointer = f"models/{MODEL}/artifacts/1/{name}.dvc"
    register = Row(
        "`registry register` vs `dvc add`",
        f"`registry register {MODEL} {kind.upper()}` in a fresh `registry init` registry",
        f"`dvc add {name}` in a fresh git + DVC repository, the {kind} copied in first (untimed)",
    )
    workflow = Row(
        "`registry register` vs DVC by hand to the same end (copy, add, commit)",
        "the same `registry register` runs",
        f"`cp -r {kind.upper()} .`, `dvc add {name}`, `git add {name}.dvc .gitignore`, `git commit`",
    )
    pushed = Row(
        "`registry register --push` vs `dvc add` + `dvc push`",
        f"`registry register --push {MODEL} {kind.upper()}` to an empty folder remote",
        f"`dvc add {name}` then `dvc push {name}.dvc` to an empty folder remote ({kind} copied in first)",
    )
    pulled = Row(
        "`registry pull` vs `dvc pull`",
        f"`registry pull {MODEL}/1` in a fresh `git clone` (empty DVC cache)",
        f"`dvc pull {name}.dvc` in a fresh `git clone` (empty DVC cache), from the same kind of folder remote",
    )
    verified = Row(
        "`registry pull` vs `dvc pull` with the remote's `verify = true`",
        "the same `registry pull` runs",
        f"`dvc pull {name}.dvc` as above, with `verify = true` for the remote in the clone's "
        "`.dvc/config.local` (DVC then hashes what it fetches)",
    )
    expected = tree_size(art)

    # The pull rows' origins: pushed once, then their own copies removed (a clone needs only git and the remote).
    origin = bench.new_registry(base / "pull-registry")
    bench.cmd([bench.cli, "register", MODEL, str(art), "--push"], origin)
    md5 = pointer_md5(origin / pointer)
    shutil.rmtree(origin / ".dvc" / "cache")
    remove(origin / "models" / MODEL / "artifacts" / "1" / name)
    dvc_origin = bench.new_dvc_repo(base / "pull-dvc")
    copy_in(art, dvc_origin / name)
    bench.cmd([bench.dvc, "add", "-q", name], dvc_origin)
    bench.cmd(["git", "add", f"{name}.dvc", ".gitignore"], dvc_origin)
    bench.cmd(["git", "commit", "-qm", f"add {name}"], dvc_origin)
    bench.cmd([bench.dvc, "push", "-q", f"{name}.dvc"], dvc_origin)
    assert pointer_md5(dvc_origin / f"{name}.dvc") == md5, "registry and DVC disagree on the md5"
    shutil.rmtree(dvc_origin / ".dvc" / "cache")
    remove(dvc_origin / name)
    os.sync()

    def reg_register(i: int, push: bool) -> Timing:
        parent = base / f"reg-{'push' if push else 'add'}-{i}"
        reg = bench.new_registry(parent)
        t = bench.measure(
            [[bench.cli, "register", MODEL, str(art), *(["--push"] if push else [])]], reg, (art,)
        )
        assert pointer_md5(reg / pointer) == md5
        assert tree_size(reg / "models" / MODEL / "artifacts" / "1" / name) == expected
        assert not push or in_storage(parent / "reg-dvc-storage", md5)
        free_tree(parent)
        return t

    def dvc_register(i: int, whole: bool, push: bool) -> Timing:
        parent = base / f"dvc-{'push' if push else 'whole' if whole else 'add'}-{i}"
        repo = bench.new_dvc_repo(parent)
        cmds = [[bench.dvc, "add", "-q", name]]
        if whole:
            cmds.insert(0, ["cp", "-r", str(art), name])
            cmds += [["git", "add", f"{name}.dvc", ".gitignore"], ["git", "commit", "-qm", f"add {name}"]]
        else:
            copy_in(art, repo / name)
        if push:
            cmds.append([bench.dvc, "push", "-q", f"{name}.dvc"])
        t = bench.measure(cmds, repo, (art,) if whole else (repo / name,))
        assert pointer_md5(repo / f"{name}.dvc") == md5
        assert not push or in_storage(parent / "storage", md5)
        free_tree(parent)
        return t

    def reg_pull(i: int) -> Timing:
        clone = base / "pull-registry" / f"clone-{i}"  # beside reg: its remote is ../reg-dvc-storage
        bench.cmd(["git", "clone", "-q", str(origin), str(clone)], base)
        t = bench.measure(
            [[bench.cli, "pull", f"{MODEL}/1"]], clone, (base / "pull-registry" / "reg-dvc-storage",)
        )
        assert tree_size(clone / "models" / MODEL / "artifacts" / "1" / name) == expected
        free_tree(clone)
        return t

    def dvc_pull(i: int, verify: bool) -> Timing:
        clone = base / "pull-dvc" / f"clone-{i}"
        bench.cmd(["git", "clone", "-q", str(dvc_origin), str(clone)], base)
        if verify:
            bench.cmd([bench.dvc, "remote", "modify", "--local", "storage", "verify", "true"], clone)
        t = bench.measure([[bench.dvc, "pull", "-q", f"{name}.dvc"]], clone, (base / "pull-dvc" / "storage",))
        assert tree_size(clone / name) == expected
        free_tree(clone)
        return t

    steps: list[list[tuple[list[Timing], Callable[[int], Timing]]]] = [
        [
            (register.reg, lambda i: reg_register(i, False)),
            (register.ref, lambda i: dvc_register(i, False, False)),
            (workflow.ref, lambda i: dvc_register(i, True, False)),
        ],
        [(pushed.reg, lambda i: reg_register(i, True)), (pushed.ref, lambda i: dvc_register(i, False, True))],
        [
            (pulled.reg, reg_pull),
            (pulled.ref, lambda i: dvc_pull(i, False)),
            (verified.ref, lambda i: dvc_pull(i, True)),
        ],
    ]
    for i in range(runs):
        for sides in steps:
            for times, side in sides if i % 2 == 0 else reversed(sides):
                times.append(side(i))
        print(f"  {label}: run {i + 1} of {runs} done", file=sys.stderr, flush=True)
    workflow.reg, verified.reg = register.reg, pulled.reg
    free_tree(base)
    return [register, workflow, pushed, pulled, verified]


WHAT = """
What each side does (both on the same file system, DVC's cache in its default mode, a copy here):

- `registry register` loads the model's folder, runs `dvc cache dir` (one DVC process), reads the
  artifact once, hashing each file as it copies it into DVC's cache (a folder's `.dir` manifest is
  built in-process with `dvc_data`), writes the record, the `.dvc` pointer and `.gitignore`, commits
  them to git (plumbing: objects, tree, commit, `update-ref`, index) and copies the bytes from the
  cache into the work tree. `--push` adds one `dvc push` of a temporary pointer.
- `dvc add` hashes what is already in the work tree, copies it into the cache and writes the pointer
  and `.gitignore`; it commits nothing. The by-hand row adds the copy into the repository and the
  `git add` + `git commit` that register's end state includes.
- `registry pull` loads and checks the record, runs `dvc cache dir` and `dvc fetch` (DVC copies
  the object from the remote into the cache without hashing it), then copies each object into a
  temporary file in the work tree, hashing it as it copies, checks the copy's size and moves it
  into place.
- `dvc pull` copies from the remote into the cache and checks out a copy; with `verify = true` it
  hashes what it fetched first."""


# -- peak memory ----------------------------------------------------------------


def memory(bench: Bench, big: Path) -> list[str]:
    """Each command run alone, once: peak RSS of registering, and pulling, the big file."""
    name = big.name
    base = bench.scratch / "memory"
    pointer = f"models/{MODEL}/artifacts/1/{name}.dvc"
    lines = []

    def line(what: str, got: tuple[float, float | None, float]) -> None:
        tree, alone, wall = got
        lines.append(f"| {what} | {tree:,.0f} | {'' if alone is None else f'{alone:,.0f}'} | {wall:.2f} |")

    reg = bench.new_registry(base / "registry")
    line(
        f"`registry register {MODEL} BIG`",
        bench.peak([bench.cli, "register", MODEL, str(big)], reg, (big,), True),
    )
    bench.cmd([bench.dvc, "push", "-q", pointer], reg)  # for the pull; then the origin's copies go
    shutil.rmtree(reg / ".dvc" / "cache")
    (reg / "models" / MODEL / "artifacts" / "1" / name).unlink()
    clone = base / "registry" / "clone"
    bench.cmd(["git", "clone", "-q", str(reg), str(clone)], base)
    line(
        f"`registry pull {MODEL}/1` (fresh clone)",
        bench.peak([bench.cli, "pull", f"{MODEL}/1"], clone, (base / "registry" / "reg-dvc-storage",), True),
    )
    assert tree_size(clone / "models" / MODEL / "artifacts" / "1" / name)[1] == big.stat().st_size
    free_tree(base / "registry")

    repo = bench.new_dvc_repo(base / "dvc")
    shutil.copyfile(big, repo / name)
    line(f"`dvc add {name}` (reference)", bench.peak([bench.dvc, "add", "-q", name], repo, (repo / name,)))
    bench.cmd(["git", "add", f"{name}.dvc", ".gitignore"], repo)
    bench.cmd(["git", "commit", "-qm", f"add {name}"], repo)
    bench.cmd([bench.dvc, "push", "-q", f"{name}.dvc"], repo)
    shutil.rmtree(repo / ".dvc" / "cache")
    (repo / name).unlink()
    clone = base / "dvc" / "clone"
    bench.cmd(["git", "clone", "-q", str(repo), str(clone)], base)
    line(
        f"`dvc pull {name}.dvc` (fresh clone, reference)",
        bench.peak([bench.dvc, "pull", "-q", f"{name}.dvc"], clone, (base / "dvc" / "storage",)),
    )
    assert (clone / name).stat().st_size == big.stat().st_size
    free_tree(base)
    return lines


# -- main -----------------------------------------------------------------------


def needed_bytes(args: argparse.Namespace) -> int:
    """The most the scratch folder holds at once: the file, the two pull
    remotes, and one run's registry and DVC sides (cache and work tree each);
    or, for the memory rows, the big file with its cache, work tree and remote."""
    timed = 9 * args.size_mb * MB if args.only in ("all", "file") else 0
    folder = 9 * args.files * 65 * 1024 if args.only in ("all", "folder") else 0
    mem = 6 * args.big_mb * MB if args.only in ("all", "memory") else 0
    return max(timed, folder, mem) + (1 << 30)


def versions(bench: Bench) -> str:
    dvc = bench.cmd([bench.dvc, "--version"], Path.cwd()).strip()
    try:
        data = metadata.version("dvc-data")
    except metadata.PackageNotFoundError:
        data = "?"
    return f"dvc {dvc}, dvc-data {data}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=1024, help="the single file's size (default 1024)")
    ap.add_argument("--files", type=int, default=1000, help="files in the folder artifact (default 1000)")
    ap.add_argument("--runs", type=int, default=3, help="runs a side per row (median reported)")
    ap.add_argument("--big-mb", type=int, default=2048, help="the file of the memory rows (default 2048)")
    ap.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()), help="scratch space (default /tmp)"
    )
    ap.add_argument("--seed", type=int, default=0, help="the folder's seed")
    ap.add_argument("--only", choices=["all", "file", "folder", "memory"], default="all")
    ap.add_argument(
        "--cli", default=bench_run.default_cli(), help="the registry executable (default: the venv's)"
    )
    args = ap.parse_args(argv)

    args.dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(args.dir).free
    need = needed_bytes(args)
    if free < need:
        print(
            f"{args.dir} has {free / 1e9:.1f} GB free; this run needs about {need / 1e9:.1f} GB",
            file=sys.stderr,
        )
        return 1
    scratch = Path(tempfile.mkdtemp(prefix="registry-folders-", dir=args.dir)).resolve()
    try:
        bench = Bench(scratch, args.cli)
        print("# Artifact bytes: registry against DVC\n")
        for line in bench_run.machine_info():
            print(line)
        fstype = subprocess.run(["df", "--output=fstype", str(scratch)], capture_output=True, text=True)
        print(
            f"- {versions(bench)}; memory {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 1e9:.1f} GB"
        )
        print(
            f"- scratch {scratch} ({(fstype.stdout.split() or ['?'])[-1]}), "
            f"{free / 1e9:.1f} GB free before the run (about {need / 1e9:.1f} GB needed)"
        )
        project = Path(bench_run.PROJECT)
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=project, capture_output=True, text=True
        )
        print(f"- registry code at {commit.stdout.strip() or '?'}; CLI {args.cli}")
        data = scratch / "data"
        data.mkdir()
        if args.only in ("all", "file"):
            art = data / "model.bin"
            make_file(art, args.size_mb)
            rows = section(bench, art, f"{args.size_mb} MB file", args.runs)
            art.unlink()
            table(f"One {args.size_mb:,} MB file (random bytes)", rows, args.runs)
        if args.only in ("all", "folder"):
            art = data / "model"
            make_folder(art, args.files, args.seed)
            count, size = tree_size(art)
            rows = section(bench, art, f"folder of {count} files", args.runs)
            free_tree(art)
            table(
                f"A folder of {count:,} files, 1-64 KB each, in 8 subfolders ({size / MB:.1f} MB)",
                rows,
                args.runs,
            )
        if args.only in ("all", "memory"):
            big = data / "big.bin"
            make_file(big, args.big_mb)
            lines = memory(bench, big)
            big.unlink()
            how = "`/usr/bin/time -v`" if TIME.exists() else "`wait4`'s `ru_maxrss`"
            print(f"\n### Peak memory, one {args.big_mb:,} MB file (each command alone, once)\n")
            print(
                "| command | peak RSS MB, with children | the registry process alone, MB | wall s (one run) |"
            )
            print("|---|---:|---:|---:|")
            print("\n".join(lines))
            print(
                f"\nPeak RSS by {how} (the largest of the process and each child it waited for); "
                "the process alone is its own `getrusage(RUSAGE_SELF)` at exit."
            )
        print(WHAT)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
