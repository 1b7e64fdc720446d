"""``registry site generate|build`` and ``registry serve``: the catalog."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from registry.errors import RegistryError, UsageError

DEFAULT_CONFIG = """\
site_name: Model registry
docs_dir: {docs}
use_directory_urls: false
theme:
  name: material
  font: false
  features: [navigation.tabs, navigation.top, search.highlight]
plugins:
  - search
  - registry:
      registry: {root}
nav:
  - Catalog: index.md
  - Models: models/index.md
  - Lineage: lineage/index.md
  - Activity: activity/index.md
extra:
  generator: false
"""


def _config(root: Path, scratch: Path) -> Path:
    """The registry's mkdocs.yml, or a default one in ``scratch`` when it has none."""
    own = root / "mkdocs.yml"
    if own.is_file():
        return own
    docs = scratch / "docs"
    docs.mkdir(exist_ok=True)
    cfg = scratch / "mkdocs.yml"
    cfg.write_text(DEFAULT_CONFIG.format(docs=docs, root=root), encoding="utf-8")
    return cfg


def _mkdocs(args: list[str], root: Path) -> int:
    from importlib.util import find_spec

    if find_spec("mkdocs") is None or find_spec("material") is None:
        raise RegistryError("the catalog needs MkDocs and Material: pip install 'git-model-registry[site]'")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # -P: the registry folder is not put on sys.path (it may hold a folder called registry/, as this project does)
    return subprocess.call([sys.executable, "-P", "-m", "mkdocs", *args], cwd=root, env=env)


def generate(root: Path, out: Path, rev: str | None, directory_urls: bool) -> int:
    from registry.site import generate as write_site

    count = write_site(root, out, rev=rev, directory_urls=directory_urls)
    click.echo(f"wrote {count} files to {out}")
    return 0


def build(root: Path, out: Path | None, strict: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="registry-site-") as scratch:
        cfg = _config(root, Path(scratch))
        args = (
            ["build", "-f", str(cfg)]
            + (["-d", str(out.resolve())] if out else [])
            + (["--strict"] if strict else [])
        )
        code = _mkdocs(args, root)
    if code != 0:
        raise RegistryError(f"mkdocs build failed (exit {code})")
    return 0


def serve(root: Path, addr: str) -> int:
    if ":" not in addr:
        raise UsageError(f"--addr {addr!r}: expected HOST:PORT, e.g. 127.0.0.1:8000")
    with tempfile.TemporaryDirectory(prefix="registry-site-") as scratch:
        cfg = _config(root, Path(scratch))
        click.echo(f"serving the catalog at http://{addr}/ (Ctrl-C to stop); it rebuilds when records change")
        try:
            return _mkdocs(["serve", "-f", str(cfg), "-a", addr], root)
        except KeyboardInterrupt:
            return 0
