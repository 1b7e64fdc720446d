"""The README's examples, run as written in a fresh clone of this repository.

A fenced block right after the line ``<!-- checked -->`` is run: in a
console block each ``$ command`` line (a trailing ``# comment`` is not
run) must print what follows it, up to the next ``$`` line, stdout and
stderr together as a terminal shows them; a line ``...`` stands for any
lines, and a command whose comment says ``cut here`` may print more lines
than shown, around and between them. In a shell block each line must succeed. Only
blocks that change nothing outside the clone are marked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARK = "<!-- checked -->"
FENCE = re.compile(r"```([a-z]*)\n(.*?)```", re.S)


def _blocks() -> list[tuple[int, str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        if before.strip() == MARK:
            found.append((text.count("\n", 0, match.start()) + 1, match[1], match[2]))
    return found


BLOCKS = _blocks()


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("readme") / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(where)], check=True)
    return where


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env |= {"PYTHONUNBUFFERED": "1", "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("CI", None)
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _command(line: str) -> str:
    return re.sub(r"\s+#\s.*$", "", line[2:]).strip()  # a comment after two or more spaces is the README's


def _matches(shown: list[str], printed: list[str], loose: bool) -> bool:
    """Whether ``printed`` is what ``shown`` says: ``...`` lines match any lines; ``loose``, any around too."""
    while shown and not shown[-1].strip():  # the blank line before the next command
        shown = shown[:-1]
    if loose:  # each line shown, in order, with any lines around and between
        shown = ["...", *(x for line in shown for x in (line, "..."))]
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line.strip() == "..." else re.escape(line.rstrip()) + r"\n" for line in shown
    )
    return re.fullmatch(pattern, "".join(line.rstrip() + "\n" for line in printed)) is not None


def test_the_readme_marks_examples_to_run() -> None:
    assert len(BLOCKS) >= 4, "the README's read examples are marked <!-- checked -->"


@pytest.mark.parametrize(("line", "kind", "body"), BLOCKS, ids=[f"README.md:{b[0]}" for b in BLOCKS])
def test_a_readme_example_prints_what_it_shows(clone: Path, line: int, kind: str, body: str) -> None:
    lines = body.rstrip("\n").split("\n")
    if kind in ("sh", "bash"):
        for command in lines:
            if command.strip() and not command.startswith("#"):
                done = _run(_command("$ " + command), clone)
                assert done.returncode == 0, f"README.md:{line}: {command}\n{done.stdout}"
        return
    steps = [i for i, text in enumerate(lines) if text.startswith("$ ")]
    assert steps, f"README.md:{line}: a console block with no $ line"
    for at, i in enumerate(steps):
        shown = lines[i + 1 : steps[at + 1] if at + 1 < len(steps) else len(lines)]
        done = _run(_command(lines[i]), clone)
        printed = done.stdout.rstrip("\n").split("\n") if done.stdout.strip() else []
        loose = "cut here" in lines[i]
        assert _matches(shown, printed, loose), (
            f"README.md:{line + i + 1}: {lines[i]}\n--- the README shows:\n"
            + "\n".join(shown)
            + "\n--- it prints:\n"
            + "\n".join(printed)
        )
