"""The house as ARCHITECTURE.md draws it: each layer imports only the layers
below it, the core never imports click, and read paths never load DVC,
MkDocs or Jinja."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from tests.builder import RegistryBuilder

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "registry"

# Bottom to top. A module's layer is that of its longest listed prefix.
LAYERS: list[tuple[str, set[str]]] = [
    (
        "values",
        {
            "errors",
            "limits",
            "layout",
            "records",
            "yamlsafe",
            "schemas",
            "problems",
            "check.rules",
            "check.gates",
            "forked",
            "when",
            "proc",
            "progress",
        },
    ),
    ("pure views", {"lineage", "views", "search", "codeowners", "traffic"}),
    (
        "reading",
        {
            "git",
            "dvc",
            "dvc_objects",
            "formats",
            "forge",
            "cache",
            "snapshot",
            "parse",
            "load",
            "check.files",
            "check.records",
            "check.pointer",
        },
    ),
    ("history", {"history"}),
    ("checking", {"check", "check.tree", "check.lifecycle", "check.base", "refs"}),
    ("doing", {"write", "pull", "site", "scaffold"}),
    ("api", {""}),
    ("mlflow plugin", {"mlflow"}),  # an edge: only the importer uses it (its stage mapping)
    ("importers", {"importers"}),
    ("command line", {"commands", "cli", "__main__"}),
]


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> int:
    best, rank = -1, -1
    for i, (_, names) in enumerate(LAYERS):
        for prefix in names:
            if (module == prefix or module.startswith(prefix + ".") or prefix == "") and len(prefix) > best:
                best, rank = len(prefix), i
    assert rank >= 0, f"registry.{module} is in no layer of tests/test_architecture.py"
    return rank


def _imports(path: Path) -> set[str]:
    """The registry modules a file imports, at its top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "registry":
            base = node.module.removeprefix("registry").lstrip(".")
            subs = [f"{base}.{a.name}".lstrip(".") for a in node.names]
            named = [s for s in subs if s in MODULES]
            found.update(named if named else [base])
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("registry").lstrip(".")
                for a in node.names
                if a.name.startswith("registry")
            )
    return found


def test_each_layer_imports_only_layers_below() -> None:
    wrong = []
    for module, path in sorted(MODULES.items()):
        mine = _layer(module)
        for target in sorted(_imports(path)):
            if target in MODULES and _layer(target) > mine:
                wrong.append(
                    f"registry.{module} ({LAYERS[mine][0]}) imports registry.{target} ({LAYERS[_layer(target)][0]})"
                )
    assert wrong == []


def test_the_mlflow_plugin_uses_the_api_not_the_command_line() -> None:
    wrong = [
        f"registry.{module} imports registry.{target}"
        for module, path in sorted(MODULES.items())
        if module.startswith("mlflow")
        for target in sorted(_imports(path))
        if target.startswith(("commands", "cli", "__main__"))
    ]
    assert wrong == []


def test_the_core_never_imports_click_or_prints() -> None:
    offenders = []
    for module, path in MODULES.items():
        if module.startswith(("commands", "cli")) or module == "__main__":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import click|from click\b)", text, re.M) or re.search(r"(?<![\w.])print\(", text):
            offenders.append(module)
    assert offenders == []


def test_no_git_command_line_outside_git() -> None:
    offenders = [
        module
        for module, path in MODULES.items()
        if not module.startswith("git")
        and re.search(r"""\[\s*["']git["']""", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_read_paths_load_neither_dvc_nor_mkdocs(reg: RegistryBuilder) -> None:
    root = reg.root
    script = f"""
import sys
from registry import Registry
from registry.check import check
from registry.history import events
reg = Registry({str(root)!r})
assert reg.get("models:/fraud-detector@champion").number == 2
assert reg.search("metrics.f1 > 0") is not None
assert check({str(root)!r}) == []
assert events(__import__("pathlib").Path({str(root)!r}))
loaded = sorted(m for m in ("dvc", "dvc_data", "mkdocs", "jinja2", "click") if m in sys.modules)
print(",".join(loaded))
"""
    proc = subprocess.run(
        [sys.executable, "-P", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_architecture_names_files_that_exist() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:registry|tests)/[A-Za-z0-9_./<>-]+)`", text))
    assert named, "ARCHITECTURE.md names no files"
    missing = [p for p in sorted(named) if "<" not in p and not (ROOT / p).exists()]
    assert missing == []
