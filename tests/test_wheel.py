"""The release: ``python -m build`` makes an sdist and a wheel that ``twine
check`` passes, and the wheel, installed into a clean venv, runs a
registry's first hour: ``init``, ``register``, ``check`` and ``site build``.

The clean venv gets the wheel alone (``--no-deps``); the dependencies it
declares are the test venv's, seen through a plain path in a ``.pth`` file,
so that the test needs no download. That path runs none of the test venv's
own ``.pth`` files, so its editable copy of this project stays out: what
runs is the wheel's."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from tests.builder import lint_github_workflows

ROOT = Path(__file__).resolve().parent.parent


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{argv}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_the_built_wheel_installs_into_a_clean_venv_and_runs_a_registry(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    source = tmp_path / "source"  # a clone: what is committed, as CI builds it
    _run(["git", "clone", "-q", str(ROOT), str(source)], tmp_path)
    aside = {
        **os.environ,
        "HOME": str(tmp_path / "build-home"),
    }  # a tool in its isolated env writes ~/.rustup
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], tmp_path, aside)
    wheel, sdist = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    assert len(wheel) == 1 and len(sdist) == 1, list(dist.iterdir())
    _run([sys.executable, "-m", "twine", "check", "--strict", str(wheel[0]), str(sdist[0])], tmp_path, aside)
    names = set(zipfile.ZipFile(wheel[0]).namelist())
    for needed in (
        "registry/schemas/version.schema.json",
        "registry/site/templates/model.md.j2",
        "registry/site/assets/registry.css",
        "registry/scaffold/github-registry-check.yml",
        "registry/scaffold/gitignore",
        "registry/py.typed",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "examples/", "models/", "bench/"))]

    clean = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(clean)
    python = clean / "bin" / "python"
    ours = sysconfig.get_paths()["purelib"]
    theirs = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path
        ).strip()
    )
    (theirs / "test-dependencies.pth").write_text(ours + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
    _run([*pip, str(wheel[0])], tmp_path, aside)
    env = {
        **os.environ,
        "PATH": f"{clean / 'bin'}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    where = _run([str(python), "-P", "-c", "import registry; print(registry.__file__)"], tmp_path, env)
    assert where.strip().startswith(str(theirs)), where  # the wheel's copy, not this checkout's

    registry = str(clean / "bin" / "registry")
    said = _run([registry, "init", "reg"], tmp_path, env)
    assert "initialised a model registry" in said
    reg = tmp_path / "reg"
    (tmp_path / "model.onnx").write_bytes(b"weights" * 1000)
    said = _run([registry, "register", "clf", str(tmp_path / "model.onnx"), "--metric", "f1=0.9"], reg, env)
    assert "register clf v1 (new model)" in said
    _run([registry, "check"], reg, env)
    _run([registry, "site", "build", "--strict", "-o", str(tmp_path / "site")], reg, env)
    assert "clf" in (tmp_path / "site" / "models" / "clf" / "index.html").read_text()


def test_the_release_workflow_passes_the_linters() -> None:
    lint_github_workflows(ROOT)
