"""``registry site generate|build`` and ``registry serve``: the catalog."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import click

from registry import proc
from registry.errors import CommandFailed, RegistryError, UsageError


def default_config(root: Path, docs: Path) -> str:
    """The mkdocs.yml that ``registry init`` writes, for a registry that has
    none: its pages from ``root``, ``docs`` (an empty folder) as docs_dir,
    the site built into ``root``'s site/."""
    import yaml

    from registry import scaffold

    cfg = yaml.safe_load(scaffold.text("mkdocs.yml"))
    cfg["docs_dir"] = str(docs)
    cfg["site_dir"] = str(root / cfg["site_dir"])
    cfg["plugins"] = [
        {"registry": {"registry": str(root)}} if plugin == "registry" else plugin for plugin in cfg["plugins"]
    ]
    return str(yaml.safe_dump(cfg, sort_keys=False))


def _config(root: Path, scratch: Path) -> Path:
    """The registry's mkdocs.yml, or a default one in ``scratch`` when it has none."""
    own = root / "mkdocs.yml"
    if own.is_file():
        return own
    docs = scratch / "docs"
    docs.mkdir(exist_ok=True)
    cfg = scratch / "mkdocs.yml"
    cfg.write_text(default_config(root, docs), encoding="utf-8")
    return cfg


def _mkdocs(args: list[str], root: Path) -> int:
    from importlib.util import find_spec

    if find_spec("mkdocs") is None or find_spec("material") is None:
        raise RegistryError("the catalog needs MkDocs and Material: pip install 'git-model-registry[site]'")
    env = proc.environment(NO_MKDOCS_2_WARNING="1")
    # -P: the registry folder is not put on sys.path (it may hold a folder called registry/, as this project does)
    child = subprocess.Popen(
        [sys.executable, "-P", "-m", "mkdocs", *args],
        cwd=root,
        env=env,
        # Ctrl-C reaches MkDocs even where it was ignored (a program started in the background)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )

    def stop(_signum: int, _frame: object) -> None:
        # As Ctrl-C: MkDocs then stops its server and removes its temporary folders;
        # if it has not stopped 10 s later, it is terminated.
        child.send_signal(signal.SIGINT)
        timer = threading.Timer(10, child.terminate)
        timer.daemon = True
        timer.start()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.wait()  # it had the Ctrl-C too
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    if code != 0:  # its output went to the terminal as it ran: the error keeps the command and code
        argv = ["mkdocs", *args]
        raise CommandFailed(f"mkdocs build failed (exit {code})", argv=argv, returncode=code)
    return 0


def serve(root: Path, addr: str) -> int:
    if ":" not in addr:
        raise UsageError(f"--addr {addr!r}: expected HOST:PORT, e.g. 127.0.0.1:8000")
    with tempfile.TemporaryDirectory(prefix="registry-site-") as scratch:
        cfg = _config(root, Path(scratch))
        click.echo(f"serving the catalog at http://{addr}/ (Ctrl-C to stop); it rebuilds when records change")
        try:
            # --dirty: a rebuild writes only the pages whose text changed (the plugin keeps the rest)
            return _mkdocs(["serve", "--dirty", "-f", str(cfg), "-a", addr], root)
        except KeyboardInterrupt:
            return 0
