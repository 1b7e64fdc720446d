"""A registry whose DVC remote is S3: `registry init --remote s3://...`,
`register --push` and `pull` in a fresh clone, through real DVC (dvc-s3) and
a real S3 server (moto's, on 127.0.0.1) reached over HTTP, as MinIO or Ceph
would be, with `endpointurl`."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import yaml

from tests.builder import DVC, cli, dvc
from tests.s3 import Bucket

PREFIX = "team/registry"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def s3_registry(where: Path, bucket: Bucket) -> Path:
    """``registry init --remote s3://BUCKET/PREFIX``, then the endpoint of an
    S3-compatible store committed in ``.dvc/config``, as the README says."""
    proc = cli(where, "init", "reg", "--remote", bucket.url(PREFIX))
    assert proc.returncode == 0, proc.stderr
    root = where / "reg"
    dvc(root, "remote", "modify", "storage", "endpointurl", bucket.endpoint)
    git(root, "commit", "-qam", "DVC: the S3-compatible store's endpoint")
    return root


def clone(root: Path, where: Path) -> Path:
    git(root.parent, "clone", "-q", str(root), str(where))
    assert not (where / ".dvc" / "cache").exists(), "a fresh clone starts with an empty DVC cache"
    return where


def key(md5: str) -> str:
    """Where DVC 3 puts an object with this md5 under the remote's URL."""
    return f"{PREFIX}/files/md5/{md5[:2]}/{md5[2:]}"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def a_folder(where: Path, weights: bytes = b"weights " * 500) -> Path:
    folder = where / "model"
    (folder / "extra").mkdir(parents=True)
    (folder / "MLmodel").write_text("flavors:\n  sklearn: {pickled_model: model.pkl}\n", encoding="utf-8")
    (folder / "model.pkl").write_bytes(weights)
    (folder / "requirements.txt").write_text("scikit-learn==1.5.0\n", encoding="utf-8")
    (folder / "extra" / "notes.txt").write_text("trained on 20 rows\n", encoding="utf-8")
    return folder


def record_md5(root: Path, model: str, number: int) -> str:
    record = yaml.safe_load(
        (root / "models" / model / "versions" / f"{number}.yaml").read_text(encoding="utf-8")
    )
    return str(record["artifact"]["md5"])


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def dvc_status(root: Path, *args: str) -> str:
    proc = subprocess.run([DVC, "status", *args], cwd=root, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_init_takes_an_s3_url_as_the_default_remote(tmp_path: Path, s3_bucket: Bucket) -> None:
    proc = cli(tmp_path, "init", "reg", "--remote", s3_bucket.url(PREFIX))
    assert proc.returncode == 0, proc.stderr
    assert f"DVC's default remote 'storage': {s3_bucket.url(PREFIX)}" in proc.stdout
    root = tmp_path / "reg"
    assert f"url = {s3_bucket.url(PREFIX)}" in (root / ".dvc" / "config").read_text(encoding="utf-8")
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    assert cli(root, "check").returncode == 0
    assert s3_bucket.objects() == {}, "init uploads nothing"


def test_register_push_uploads_a_file_and_a_folder_and_a_fresh_clone_pulls_them(
    tmp_path: Path, s3_bucket: Bucket
) -> None:
    root = s3_registry(tmp_path, s3_bucket)
    weights = tmp_path / "run" / "model.onnx"
    weights.parent.mkdir()
    weights.write_bytes(b"onnx weights " * 1000)
    proc = cli(root, "register", "scorer", str(weights), "--push")
    assert proc.returncode == 0, proc.stderr
    assert set(s3_bucket.objects()) == {key(md5(weights.read_bytes()))}
    assert s3_bucket.read(key(md5(weights.read_bytes()))) == weights.read_bytes()

    folder = a_folder(tmp_path)
    proc = cli(root, "register", "clf", str(folder), "--push")
    assert proc.returncode == 0, proc.stderr
    manifest = record_md5(root, "clf", 1)
    assert manifest.endswith(".dir")
    expected = {key(md5(weights.read_bytes())), key(manifest)} | {key(md5(b)) for b in files(folder).values()}
    assert set(s3_bucket.objects()) == expected
    # the manifest on S3 is the one in the local cache, which `dvc add` would have made
    cached = root / ".dvc" / "cache" / "files" / "md5" / manifest[:2] / manifest[2:]
    assert s3_bucket.read(key(manifest)) == cached.read_bytes()
    assert md5(cached.read_bytes()) + ".dir" == manifest

    there = clone(root, tmp_path / "clone")
    proc = cli(there, "pull", "scorer/1")
    assert proc.returncode == 0, proc.stderr
    assert (there / "models/scorer/artifacts/1/model.onnx").read_bytes() == weights.read_bytes()
    dest = tmp_path / "elsewhere"
    proc = cli(there, "pull", "models:/clf/1", "-o", str(dest))
    assert proc.returncode == 0, proc.stderr
    assert files(dest) == files(folder)
    assert files(there / "models/clf/artifacts/1/model") == files(folder)
    assert "up to date" in dvc_status(there)
    assert "in sync" in dvc_status(there, "--cloud")


def test_a_second_folder_version_uploads_only_the_files_that_changed(
    tmp_path: Path, s3_bucket: Bucket
) -> None:
    root = s3_registry(tmp_path, s3_bucket)
    first = a_folder(tmp_path / "a")
    assert cli(root, "register", "clf", str(first), "--push").returncode == 0
    before = s3_bucket.objects()
    assert len(before) == 5  # four files and the manifest

    second = a_folder(tmp_path / "b", weights=b"retrained weights " * 400)
    proc = cli(root, "register", "clf", str(second), "--push")
    assert proc.returncode == 0, proc.stderr
    after = s3_bucket.objects()
    assert set(after) - set(before) == {
        key(record_md5(root, "clf", 2)),
        key(md5(second.joinpath("model.pkl").read_bytes())),
    }
    # what both versions hold was not uploaded again
    assert {k: after[k] for k in before} == before

    there = clone(root, tmp_path / "clone")
    proc = cli(there, "pull", "clf/2")
    assert proc.returncode == 0, proc.stderr
    assert files(there / "models/clf/artifacts/2/model") == files(second)


def test_purge_from_a_fresh_clone_removes_only_what_no_other_version_uses(
    tmp_path: Path, s3_bucket: Bucket
) -> None:
    root = s3_registry(tmp_path, s3_bucket)
    assert cli(root, "register", "clf", str(a_folder(tmp_path / "a")), "--push").returncode == 0
    second = a_folder(tmp_path / "b", weights=b"retrained weights " * 400)
    assert cli(root, "register", "clf", str(second), "--push").returncode == 0
    v2 = {key(record_md5(root, "clf", 2))} | {key(md5(b)) for b in files(second).values()}
    assert len(s3_bucket.objects()) == 7 and v2 < set(s3_bucket.objects())
    # a clone with an empty cache: the manifests are read from S3 itself
    there = clone(root, tmp_path / "clone")
    proc = cli(there, "delete", "clf/1", "--reason", "weights under a withdrawn licence", "--purge")
    assert proc.returncode == 0, proc.stderr
    assert "purged: 0 objects (0 B) from the cache, 2 from remote storage; kept 3" in proc.stdout
    assert set(s3_bucket.objects()) == v2
    proc = cli(there, "pull", "models:/clf/2", "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert files(tmp_path / "out") == files(second)
