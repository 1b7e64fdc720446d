"""`registry init`: a new registry with real git, real DVC, the forge's CI
checked by real linters, and the lifecycle on top of it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from registry import yamlsafe
from registry.records import Config
from registry.write.init import files
from tests.builder import DVC, cli, lint_github_workflows

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def tree(root: Path) -> list[str]:
    """Every path under ``root`` but inside .git, sorted."""
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.relative_to(root).parts
    )


def init(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = cli(where, "init", *args)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    init(tmp_path, "models-registry")
    return tmp_path / "models-registry"


def weights(tmp_path: Path, n: int) -> Path:
    path = tmp_path / f"run{n}" / "model.onnx"
    path.parent.mkdir()
    path.write_bytes(f"weights of run {n}".encode() * 100)
    return path


def test_init_makes_a_clean_registry_in_one_commit(registry: Path, tmp_path: Path) -> None:
    check = cli(registry, "check")  # clean, but for the remote beside it that only this machine has
    assert check.returncode == 0 and "0 error(s), 1 warning(s)" in check.stderr, check.stdout + check.stderr
    assert check.stdout.startswith(".dvc/config: local-remote: warning:"), check.stdout
    assert git(registry, "log", "--format=%s").splitlines() == ["initialise model registry"]
    assert git(registry, "log", "-1", "--format=%(trailers:key=Registry-Action,valueonly)").strip() == "init"
    assert git(registry, "branch", "--show-current").strip() == "main"
    assert git(registry, "status", "--porcelain", "--untracked-files=all") == ""
    tracked = set(git(registry, "ls-files").split())
    assert {
        "registry.yaml",
        "models/.gitkeep",
        "docs/.gitkeep",
        "mkdocs.yml",
        "README.md",
        ".gitignore",
        ".dvc/config",
        ".dvc/.gitignore",
        ".dvcignore",
        ".github/workflows/registry-check.yml",
        ".github/workflows/registry-pages.yml",
        ".github/CODEOWNERS",
    } == tracked
    assert cli(registry, "codeowners", "--check").returncode == 0  # CI's step passes from the start

    def dvc(*args: str) -> str:
        return subprocess.run([str(DVC), *args], cwd=registry, capture_output=True, text=True).stdout.strip()

    # A folder beside the registry, kept relative to .dvc/ so that every clone has its own beside it.
    assert dvc("remote", "default") == "storage"
    assert dvc("config", "remote.storage.url") == str(tmp_path / "models-registry-dvc-storage")
    assert "url = ../../models-registry-dvc-storage" in (registry / ".dvc/config").read_text()
    assert "storage" in dvc("remote", "list")
    assert not (registry / ".gitlab-ci.yml").exists()


def test_registry_yaml_holds_the_defaults_and_a_commented_gate_that_works(registry: Path) -> None:
    text = (registry / "registry.yaml").read_text()
    assert Config.from_dict(yamlsafe.load(text.encode())) == Config()
    # Uncommenting the example gives a production gate that `registry check` accepts.
    start = text.index("# policy:")
    example = "\n".join(line.removeprefix("# ") for line in text[start:].splitlines())
    (registry / "registry.yaml").write_text(text[:start] + example + "\n")
    config = Config.from_dict(yamlsafe.load((registry / "registry.yaml").read_bytes()))
    gate = config.policy.gates["production"]
    assert (gate.from_stages, str(gate.metrics["f1"]), gate.require) == (
        ("staging",),
        ">= 0.9",
        ("description",),
    )
    assert config.policy.aliases["champion"].stage == "production"
    assert config.policy.max_challenger == 20
    check = cli(registry, "check")
    assert check.returncode == 0, check.stdout


def test_init_twice_adds_nothing_and_commits_nothing(registry: Path, tmp_path: Path) -> None:
    (registry / "README.md").write_text("# Ours now\n")
    before = {p: (registry / p).read_bytes() for p in tree(registry) if (registry / p).is_file()}
    again = init(registry)
    assert "already a registry: init has nothing to add" in again.stdout
    assert {p: (registry / p).read_bytes() for p in tree(registry) if (registry / p).is_file()} == before
    assert len(git(registry, "log", "--format=%H").split()) == 1
    # A file of init's that was removed comes back as it was first written, uncommitted.
    git(registry, "rm", "-q", ".github/workflows/registry-pages.yml")
    git(registry, "commit", "-qm", "no pages")
    proc = init(tmp_path, "models-registry", "--remote", str(tmp_path / "elsewhere"))
    assert "  .github/workflows/registry-pages.yml" in proc.stdout
    assert "--remote was not applied" in proc.stdout
    pages = ".github/workflows/registry-pages.yml"
    assert (registry / pages).read_text() == git(registry, "show", f"HEAD~1:{pages}")
    assert git(registry, "status", "--porcelain") == f" M README.md\n?? {pages}\n"
    assert (registry / "README.md").read_text() == "# Ours now\n"
    assert "elsewhere" not in (registry / ".dvc/config").read_text()


def test_init_on_a_gitlab_registry_adds_no_github_files(tmp_path: Path) -> None:
    init(tmp_path, "reg", "--forge", "gitlab")
    proc = init(tmp_path / "reg")
    assert "nothing to add" in proc.stdout
    assert not (tmp_path / "reg" / ".github").exists()


def test_init_refuses_a_folder_that_is_not_empty_and_touches_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("buy milk\n")
    proc = cli(tmp_path, "init", "notes")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "is not empty (todo.txt) and is not a registry" in proc.stderr
    assert tree(folder) == ["todo.txt"]
    assert not (folder / ".git").exists()


def test_init_refuses_a_git_repository_with_commits(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    git(folder, "commit", "-q", "--allow-empty", "-m", "start")
    proc = cli(folder, "init")
    assert proc.returncode == 1 and "has commits already" in proc.stderr
    assert tree(folder) == []


def test_init_in_an_empty_git_repository_keeps_its_branch(tmp_path: Path) -> None:
    folder = tmp_path / "clone"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "trunk")
    init(folder)
    assert git(folder, "log", "--format=%s").splitlines() == ["initialise model registry"]
    assert git(folder, "branch", "--show-current").strip() == "trunk"
    assert "branches: [trunk]" in (folder / ".github/workflows/registry-pages.yml").read_text()
    assert "`trunk`" in (folder / "README.md").read_text()


def test_a_failure_part_way_leaves_nothing_behind(tmp_path: Path) -> None:
    proc = cli(tmp_path, "init", "a/b/reg", "--remote", "nosuchscheme://bucket")
    assert proc.returncode == 1 and "Unsupported URL type" in proc.stderr
    assert tree(tmp_path) == []
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    proc = cli(empty, "init", "--remote", "nosuchscheme://bucket")
    assert proc.returncode == 1
    assert tree(empty) == [] and git(empty, "ls-files") == ""


def test_init_refuses_before_writing_when_git_does_not_know_the_user(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_")) and k != "EMAIL"
    }
    env.update(
        {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "user.useConfigOnly", "GIT_CONFIG_VALUE_0": "true"}
    )
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "registry", "init", "reg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1 and "git does not know who you are" in proc.stderr
    assert tree(tmp_path) == []


def test_init_without_dvc_says_so_and_writes_nothing(tmp_path: Path) -> None:
    """A Python with this project's packages but no `dvc` command anywhere."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    ours = next((BIN.parent / "lib").glob("python3*/site-packages"))
    (site / "ours.pth").write_text(f"import site; site.addsitedir({str(ours)!r})\n")
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p and not (Path(p) / "dvc").exists()]
    env = {**os.environ, "PATH": os.pathsep.join(path)}
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-P", "-m", "registry", "init", "reg"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
    assert "DVC is not installed: pip install 'git-model-registry[dvc]'" in proc.stderr
    assert tree(work) == []


def test_register_promote_and_branch_work_offline_after_init(registry: Path, tmp_path: Path) -> None:
    proc = cli(registry, "register", "scorer", str(weights(tmp_path, 1)), "--metric", "f1=0.93", "--push")
    assert proc.returncode == 0, proc.stderr
    assert any((tmp_path / "models-registry-dvc-storage").rglob("*")), "--push uploads to the default remote"
    proc = cli(registry, "promote", "scorer", "1", "staging", "--reason", "offline eval")
    assert proc.returncode == 0, proc.stderr
    head = git(registry, "rev-parse", "HEAD")
    proc = cli(registry, "promote", "scorer", "1", "production", "--branch")
    assert proc.returncode == 0, proc.stderr
    assert "(branch registry/promote-scorer-v1-to-production)" in proc.stdout
    assert git(registry, "rev-parse", "HEAD") == head
    assert git(registry, "status", "--porcelain") == ""
    branch = cli(registry, "check", "--rev", "registry/promote-scorer-v1-to-production", "--base", "main")
    assert branch.returncode == 0, branch.stdout
    assert cli(registry, "check").returncode == 0


def test_two_promotions_that_pass_alone_fail_once_merged(registry: Path, tmp_path: Path) -> None:
    """What the README's "Branch protection" section says, checked the way CI checks."""
    for n in (1, 2, 3):
        proc = cli(registry, "register", "scorer", str(weights(tmp_path, n)), "--metric", "f1=0.9")
        assert proc.returncode == 0, proc.stderr
        assert cli(registry, "promote", "scorer", str(n), "staging").returncode == 0
    assert cli(registry, "promote", "scorer", "1", "production").returncode == 0
    for n in (2, 3):
        proc = cli(registry, "promote", "scorer", str(n), "production", "--branch", f"pr-{n}")
        assert proc.returncode == 0, proc.stderr
        alone = cli(registry, "check", "--rev", f"pr-{n}", "--base", "main")
        assert alone.returncode == 0, alone.stdout
    git(registry, "merge", "-q", "--no-ff", "-m", "Merge pull request #1", "pr-2")
    git(registry, "merge", "-q", "--no-ff", "-m", "Merge pull request #2", "pr-3")  # git sees no conflict
    base = git(registry, "merge-base", "HEAD", "HEAD^1").strip()
    merged = cli(registry, "check", "--base", base, "--format", "github")
    assert merged.returncode == 1
    assert "single-holder" in merged.stdout and "versions 2, 3" in merged.stdout


def test_the_catalog_builds_strict_after_init(registry: Path, tmp_path: Path) -> None:
    proc = cli(registry, "register", "scorer", str(weights(tmp_path, 1)), "--metric", "f1=0.93")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "site"
    proc = cli(registry, "site", "build", "--strict", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file() and (out / "models" / "scorer" / "index.html").is_file()


def test_github_workflows_pass_the_linters(registry: Path) -> None:
    lint_github_workflows(registry)


def test_gitlab_ci_passes_the_schema_and_no_github_files(tmp_path: Path) -> None:
    init(tmp_path, "reg", "--forge", "gitlab")
    reg = tmp_path / "reg"
    assert not (reg / ".github").exists()
    proc = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(reg / ".gitlab-ci.yml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ci = (reg / ".gitlab-ci.yml").read_text()
    assert 'GIT_DEPTH: "0"' in ci and "merge_request_event" in ci
    assert "merge request" in (reg / "README.md").read_text()
    assert cli(reg, "check").returncode == 0


def test_every_template_ships_in_the_wheel() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    folder = ROOT / "registry" / "scaffold"
    shipped = [p.name for p in folder.iterdir() if p.is_file() and p.suffix != ".py"]
    assert shipped
    for name in shipped:
        assert any(fnmatch(f"scaffold/{name}", pattern) for pattern in patterns["registry"]), name


def test_templates_leave_no_placeholder_unfilled() -> None:
    for forge in ("github", "gitlab"):
        for path, text in files("reg", forge, "main").items():
            assert not re.search(r"@[A-Z][A-Z_]*@", text), path


def test_ci_keeps_the_parse_cache_between_runs() -> None:
    """CI starts warm: every job that runs the registry restores
    .git/registry-cache/ after the checkout, from its own newest cache or
    else any older one (an older cache is only slower: its entries are checked)."""
    github = files("reg", "github", "main")
    for name in (".github/workflows/registry-check.yml", ".github/workflows/registry-pages.yml"):
        doc = yamlsafe.load(github[name].encode())
        for job in doc["jobs"].values():
            uses = [step.get("uses", "") for step in job["steps"]]
            if not any("registry " in step.get("run", "") for step in job["steps"]):
                continue
            caches = [i for i, u in enumerate(uses) if u.startswith("actions/cache@")]
            assert len(caches) == 1, name
            step = job["steps"][caches[0]]
            assert uses.index(next(u for u in uses if u.startswith("actions/checkout@"))) < caches[0]
            assert step["with"]["path"] == ".git/registry-cache"
            assert "github.sha" in step["with"]["key"]
            restore = step["with"]["restore-keys"].split()
            assert restore and all(step["with"]["key"].startswith(prefix) for prefix in restore[-1:])
    gitlab = yamlsafe.load(files("reg", "gitlab", "main")[".gitlab-ci.yml"].encode())
    cache = gitlab["default"]["cache"]
    assert cache["paths"] == [".git/registry-cache/"]
    assert cache["fallback_keys"] and cache["when"] == "always"


def test_a_remote_only_this_machine_has_is_flagged_at_init_and_by_check(tmp_path: Path) -> None:
    made = init(tmp_path, "reg")
    assert "warning: the default DVC remote 'storage' is the folder" in made.stderr
    assert f"{tmp_path / 'reg-dvc-storage'} on this machine" in made.stderr
    root = tmp_path / "reg"
    check = cli(root, "check")
    assert check.returncode == 0 and ".dvc/config: local-remote: warning:" in check.stdout, check.stdout
    assert "dvc remote modify storage url s3://bucket/path" in check.stdout
    assert cli(root, "check", "--strict").returncode == 1
    subprocess.run(
        [str(DVC), "remote", "modify", "storage", "url", "s3://team-models/registry"], cwd=root, check=True
    )
    assert "local-remote" not in cli(root, "check").stdout  # shared storage: every clone reaches it
    inside = init(tmp_path, "own", "--remote", str(tmp_path / "own" / "store"))  # inside: committed with it
    assert "local-remote" not in inside.stderr + cli(tmp_path / "own", "check").stdout


def test_ci_installs_what_init_says_and_install_chooses_another(tmp_path: Path) -> None:
    made = init(tmp_path, "reg")
    said = re.search(r"^CI installs (.+) \(from (.+)\)$", made.stdout, re.M)
    assert said is not None, made.stdout
    workflow = (tmp_path / "reg/.github/workflows/registry-check.yml").read_text()
    assert f'pip install "{said[1]}"' in workflow
    if said[2] == "the package index":  # this copy came from a folder CI cannot reach: said so
        assert "warning: this copy of git-model-registry was installed from file://" in made.stderr
    spec = "git-model-registry[site] @ git+https://github.com/example-org/git-model-registry@0123abcd"
    init(tmp_path, "gitlab", "--forge", "gitlab", "--install", spec)
    assert f'pip install --quiet "{spec}"' in (tmp_path / "gitlab/.gitlab-ci.yml").read_text()
    bad = cli(tmp_path, "init", "other", "--install", '"; rm -rf /')
    assert bad.returncode == 2 and "expected a pip requirement" in bad.stderr


def test_a_clone_installed_from_its_folder_gives_ci_its_origin_at_head(tmp_path: Path) -> None:
    from registry.write.init import _checkout_of

    clone = tmp_path / "gmr"
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    assert _checkout_of(clone.as_uri()) is None  # no origin: nothing CI can clone
    subprocess.run(
        ["git", "-C", str(clone), "remote", "add", "origin", "https://user:token@github.com/org/gmr.git"],
        check=True,
    )
    head = git(clone, "rev-parse", "HEAD").strip()
    assert _checkout_of(clone.as_uri()) == ("https://github.com/org/gmr.git", head)  # no credentials
    subprocess.run(
        ["git", "-C", str(clone), "remote", "set-url", "origin", "git@github.com:org/gmr.git"], check=True
    )
    assert _checkout_of(clone.as_uri()) == ("ssh://git@github.com/org/gmr.git", head)
