"""The README's Quick start is what CI runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command() -> None:
    ci_command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci_command in (ROOT / "README.md").read_text().splitlines()


def test_readme_training_script_example_runs(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    dvc = shutil.which("dvc", path=str(Path(sys.executable).parent))
    if dvc is None:  # installed by the README's test command
        raise AssertionError("dvc is not installed beside this Python")
    text = (ROOT / "README.md").read_text()
    start = text.index("a training script registers a version in three lines")
    block = text[
        text.index("```python\n", start) + len("```python\n") : text.index(
            "```", text.index("```python\n", start) + 10
        )
    ]
    repo = tmp_path / "registry"
    repo.mkdir()
    for cmd in (
        ["git", "init", "-q"],
        [dvc, "init", "-q"],
        [dvc, "remote", "add", "-d", "store", str(tmp_path / "remote")],
    ):
        subprocess.run(cmd, cwd=repo, check=True, capture_output=True)
    subprocess.run(["git", "commit", "-qm", "init"], cwd=repo, check=True, capture_output=True)
    (repo / "model.onnx").write_bytes(b"weights" * 100)
    proc = subprocess.run(
        [sys.executable, "-c", block], cwd=repo, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=repo, capture_output=True, text=True
    ).stdout.splitlines()
    assert log[:2] == ["promote fraud-detector v1 to staging", "register fraud-detector v1 (new model)"]
    assert any((tmp_path / "remote").rglob("*")), "push=True uploads the artifact"
