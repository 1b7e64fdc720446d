"""Writes: each is one commit with trailers, or nothing changes at all."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from registry import Registry, write
from registry.errors import RegistryError
from registry.write import WriteRefused
from tests.builder import RegistryBuilder, cli

V2 = "models/fraud-detector/versions/2.yaml"
V3 = "models/fraud-detector/versions/3.yaml"
MODEL = "models/fraud-detector/model.yaml"


def state(reg: RegistryBuilder) -> tuple[str, str, dict[str, bytes]]:
    """HEAD, git status and every file under models/: what a refused write must not change."""
    files = {
        str(p.relative_to(reg.root)): p.read_bytes()
        for p in sorted(reg.root.rglob("models/**/*"))
        if p.is_file()
    }
    return reg.git("rev-parse", "HEAD"), reg.git("status", "--porcelain"), files


def trailers(reg: RegistryBuilder) -> dict[str, str]:
    body = reg.git("log", "-1", "--format=%B")
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=body, capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split(": ", 1) for line in parsed.splitlines())


def test_promote_archives_previous_holder_and_moves_champion_in_one_commit(reg: RegistryBuilder) -> None:
    before = reg.git("rev-parse", "HEAD").strip()
    write.promote(reg.root, "fraud-detector", 3, "production", reason="better recall in shadow")
    assert reg.git("rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert reg.git("log", "-1", "--format=%s").strip() == "promote fraud-detector v3 to production"
    assert trailers(reg) == {
        "Registry-Action": "promote",
        "Model": "fraud-detector",
        "Version": "3",
        "Stage": "production",
        "Alias": "champion",
        "Reason": "better recall in shadow",
    }
    registry = Registry(reg.root)
    assert registry.get("models:/fraud-detector/2").stage == "archived"
    assert registry.get("models:/fraud-detector@champion").number == 3
    assert reg.git("status", "--porcelain") == ""
    assert reg.check(base="HEAD~1") == []


def test_write_keeps_comments_and_layout(reg: RegistryBuilder) -> None:
    reg.write(
        MODEL, "# owned by the fraud team\n" + reg.read(MODEL).replace("champion: 2", "champion: 2  # live")
    )
    reg.commit("comments")
    write.set_tag(reg.root, "fraud-detector", None, "domain", "payments")
    text = reg.read(MODEL)
    assert text.startswith("# owned by the fraud team\n")
    assert "champion: 2  # live" in text
    assert reg.git("diff", "HEAD~1", "--stat").count("|") == 1


@pytest.mark.parametrize(
    ("version", "stage", "message"),
    [
        (1, "production", "archived -> production is not an allowed transition"),
        (3, "shadow", "'shadow' is not a stage"),
        (2, "production", "already in production"),
    ],
)
def test_refused_promotion_changes_nothing(
    reg: RegistryBuilder, version: int, stage: str, message: str
) -> None:
    before = state(reg)
    with pytest.raises(RegistryError, match=message):
        write.promote(reg.root, "fraud-detector", version, stage)
    assert state(reg) == before


def test_promotion_failing_the_gate_is_refused(reg: RegistryBuilder) -> None:
    reg.edit(V3, "f1: 0.95", "f1: 0.5")
    reg.commit("weak v3")
    before = state(reg)
    with pytest.raises(WriteRefused, match=r"metric f1 = 0\.5 does not satisfy >= 0\.9"):
        write.promote(reg.root, "fraud-detector", 3, "production")
    assert state(reg) == before


def test_uncommitted_changes_to_the_files_refuse_the_write(reg: RegistryBuilder) -> None:
    reg.edit(V3, "description: Version 3 of fraud-detector.", "description: Draft.")
    before = state(reg)
    with pytest.raises(WriteRefused, match=r"uncommitted changes .*versions/3\.yaml"):
        write.promote(reg.root, "fraud-detector", 3, "production")
    assert state(reg) == before


def test_other_staged_work_is_left_staged_and_out_of_the_commit(reg: RegistryBuilder) -> None:
    reg.write("notes.txt", "work in progress\n")
    reg.git("add", "notes.txt")
    write.set_alias(reg.root, "fraud-detector", "challenger", 1)
    assert "notes.txt" not in reg.git("show", "--stat", "HEAD")
    assert reg.git("status", "--porcelain").strip() == "A  notes.txt"


def test_mid_merge_refuses_the_write(reg: RegistryBuilder) -> None:
    (reg.root / ".git" / "MERGE_HEAD").write_text(reg.git("rev-parse", "HEAD"))
    before = state(reg)
    with pytest.raises(WriteRefused, match="middle of a merge"):
        write.promote(reg.root, "fraud-detector", 3, "production")
    assert state(reg) == before


def test_mid_rebase_refuses_the_write(reg: RegistryBuilder) -> None:
    # A real rebase stopped by a conflict in a file outside the registry.
    reg.write("notes.txt", "base\n")
    reg.commit("notes")
    reg.git("checkout", "-q", "-b", "side")
    reg.write("notes.txt", "side\n")
    reg.commit("side notes")
    reg.git("checkout", "-q", "main")
    reg.write("notes.txt", "main\n")
    reg.commit("main notes")
    reg.git("checkout", "-q", "side")
    proc = subprocess.run(["git", "rebase", "main"], cwd=reg.root, capture_output=True, text=True)
    assert proc.returncode != 0 and (reg.root / ".git" / "rebase-merge").exists()
    before = state(reg)
    with pytest.raises(WriteRefused, match="middle of a rebase"):
        write.promote(reg.root, "fraud-detector", 3, "production")
    assert state(reg) == before


def test_stale_index_lock_is_reported_never_deleted(reg: RegistryBuilder) -> None:
    lock = reg.root / ".git" / "index.lock"
    lock.write_text("")
    before = state(reg)
    with pytest.raises(WriteRefused, match=r"index\.lock exists"):
        write.set_tag(reg.root, "fraud-detector", 3, "k", "v")
    assert lock.exists()
    lock.unlink()
    assert state(reg) == before


def test_alias_to_a_version_failing_its_gate_is_refused(reg: RegistryBuilder) -> None:
    before = state(reg)
    with pytest.raises(WriteRefused, match="@champion cannot point to fraud-detector v3: must be in stage"):
        write.set_alias(reg.root, "fraud-detector", "champion", 3)
    assert state(reg) == before


def test_change_the_checker_would_refuse_is_rolled_back(reg: RegistryBuilder) -> None:
    # Registry policy: single-holder production, but promotion does not archive.
    reg.write("registry.yaml", reg.read("registry.yaml") + "archive_on_promote: false\n")
    reg.commit("no auto-archive")
    before = state(reg)
    with pytest.raises(WriteRefused, match="single-holder"):
        write.promote(reg.root, "fraud-detector", 3, "production")
    assert state(reg) == before


def test_tags_descriptions_and_alias_removal(reg: RegistryBuilder) -> None:
    write.set_tag(reg.root, "fraud-detector", 3, "approved-by", "risk-team")
    write.describe(reg.root, "fraud-detector", None, "Detects fraud.\n\n## Serving\n\n- batch\n")
    write.delete_alias(reg.root, "fraud-detector", "challenger")
    write.delete_tag(reg.root, "fraud-detector", 3, "approved-by")
    registry = Registry(reg.root)
    model = registry.model("fraud-detector").model
    assert model.description == "Detects fraud.\n\n## Serving\n\n- batch\n"
    assert "challenger" not in model.aliases
    assert registry.get("models:/fraud-detector/3").tags == {}
    subjects = reg.git("log", "-4", "--format=%s").splitlines()
    assert subjects == [
        "untag fraud-detector v3: approved-by",
        "remove fraud-detector@challenger (was v3)",
        "describe fraud-detector",
        "tag fraud-detector v3: approved-by=risk-team",
    ]
    assert reg.check(base="HEAD~4") == []


def test_cli_promote_and_archive(reg: RegistryBuilder) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return cli(reg.root, *args)

    proc = run("promote", "fraud-detector", "3", "production", "--reason", "beats v2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("promote fraud-detector v3 to production")
    proc = run("archive", "base-encoder", "1")
    assert proc.returncode == 1
    assert "@champion cannot point" in proc.stderr or "would not pass" in proc.stderr
    proc = run("promote", "fraud-detector", "1", "production")
    assert proc.returncode == 1 and "not an allowed transition" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert Path(reg.root / V2).read_text().count("stage: archived") == 1


def test_python_api_takes_a_plain_string_path(reg: RegistryBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(reg.root)
    commit = write.promote(".", "fraud-detector", 3, "production", reason="from a training script")
    assert reg.git("rev-parse", "HEAD").strip() == commit


def test_promotion_on_a_new_branch_pushed_to_origin_leaves_the_work_tree_alone(
    reg: RegistryBuilder, tmp_path: Path
) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    reg.git("remote", "add", "origin", str(origin))
    reg.git("push", "-q", "origin", "main")
    reg.write("notes.txt", "my own work in progress\n")
    reg.edit("models/base-encoder/model.yaml", "A text encoder.", "A text encoder (draft).")
    before = state(reg)
    proc = cli(
        reg.root,
        "promote",
        "fraud-detector",
        "3",
        "production",
        "--reason",
        "r",
        "--branch",
        "--push",
    )
    assert proc.returncode == 0, proc.stderr
    name = "registry/promote-fraud-detector-v3-to-production"
    assert f"(branch {name})" in proc.stdout
    assert state(reg) == before  # HEAD, index, work tree: all as they were
    assert reg.git("rev-parse", f"refs/heads/{name}^") == before[0]
    remote = subprocess.run(["git", "-C", str(origin), "rev-parse", name], capture_output=True, text=True)
    assert remote.stdout.strip() == reg.git("rev-parse", name).strip()
    # What CI would run on the pull request: the branch checked against main.
    on_branch = Registry(reg.root, rev=name)
    assert on_branch.get("models:/fraud-detector@champion").number == 3
    from registry.check import check

    assert check(reg.root, rev=name, base="main") == []


def test_branch_change_that_fails_the_gate_makes_no_branch(reg: RegistryBuilder) -> None:
    reg.edit(V3, "f1: 0.95", "f1: 0.5")
    reg.commit("weak v3")
    with pytest.raises(WriteRefused, match="cannot enter production"):
        write.promote(reg.root, "fraud-detector", 3, "production", branch="try-it")
    assert "try-it" not in reg.git("branch", "--list")


def test_existing_branch_name_is_refused(reg: RegistryBuilder) -> None:
    reg.git("branch", "taken")
    with pytest.raises(WriteRefused, match="branch taken already exists"):
        write.set_tag(reg.root, "fraud-detector", 3, "k", "v", branch="taken")


def test_pull_request_links_for_github_and_gitlab() -> None:
    from registry.forge import pull_request_url

    assert (
        pull_request_url("https://github.com/org/reg/", "main", "registry/promote-x-v3-to-production")
        == "https://github.com/org/reg/compare/main...registry/promote-x-v3-to-production?expand=1"
    )
    assert pull_request_url("https://gitlab.example.com/ml/reg", "main", "registry/a b") == (
        "https://gitlab.example.com/ml/reg/-/merge_requests/new?"
        "merge_request%5Bsource_branch%5D=registry%2Fa%20b&merge_request%5Btarget_branch%5D=main"
    )


def test_pr_flag_pushes_a_branch_and_says_how_to_open_the_request(
    reg: RegistryBuilder, tmp_path: Path
) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    reg.git("remote", "add", "origin", str(origin))
    reg.git("push", "-q", "origin", "main")
    reg.write("registry.yaml", reg.read("registry.yaml") + "forge: https://github.com/org/reg\n")
    reg.commit("forge")
    proc = cli(reg.root, "alias", "set", "fraud-detector", "challenger", "1", "--pr")
    assert proc.returncode == 0, proc.stderr
    branch = "registry/move-fraud-detector-challenger-to-v1-was-v3"
    assert f"(branch {branch})" in proc.stdout
    assert "opened:" in proc.stdout or f"compare/main...{branch}?expand=1" in proc.stdout
    assert (
        subprocess.run(["git", "-C", str(origin), "rev-parse", branch], capture_output=True).returncode == 0
    )


def test_rename_moves_the_folder_in_one_commit_and_old_uris_still_resolve(reg: RegistryBuilder) -> None:
    write.rename(reg.root, "base-encoder", "text-encoder", reason="clearer name")
    assert reg.git("log", "-1", "--format=%s").strip() == "rename model base-encoder to text-encoder"
    assert trailers(reg) == {
        "Registry-Action": "rename",
        "Model": "text-encoder",
        "Former-Name": "base-encoder",
        "Reason": "clearer name",
    }
    assert not (reg.root / "models/base-encoder").exists()
    registry = Registry(reg.root)
    assert registry.model("text-encoder").model.former_names == ("base-encoder",)
    assert registry.get("models:/base-encoder@champion").model == "text-encoder"
    problems = reg.check(base="HEAD~1")
    assert [(p.rule, p.severity) for p in problems] == [("renamed-parent", "warning")]
    assert "git mv" not in reg.git("status", "--porcelain")
    assert reg.git("status", "--porcelain") == ""
    # git follows the history across the rename
    assert "baseline" in reg.git(
        "log", "--follow", "--format=%s", "--", "models/text-encoder/versions/1.yaml"
    )


def test_rename_to_a_taken_name_is_refused(reg: RegistryBuilder) -> None:
    before = state(reg)
    with pytest.raises(WriteRefused, match="'fraud-detector' is taken"):
        write.rename(reg.root, "base-encoder", "fraud-detector")
    assert state(reg) == before


@pytest.mark.parametrize(
    "make_change",
    [
        lambda root: write.rename(root, "base-encoder", "text-encoder"),
        lambda root: write.promote(root, "fraud-detector", 3, "production"),
    ],
    ids=["rename", "promote"],
)
def test_change_refused_by_a_commit_hook_is_undone(
    reg: RegistryBuilder, make_change: Callable[[Path], str]
) -> None:
    hook = reg.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = state(reg)
    with pytest.raises(RegistryError, match="hook says no"):
        make_change(reg.root)
    assert state(reg) == before


def test_registry_object_has_the_command_line_verbs(reg: RegistryBuilder) -> None:
    registry = Registry(reg.root)
    assert registry.get("fraud-detector@champion").number == 2  # loads before the changes below
    registry.promote("fraud-detector", 3, "production", reason="shadow results")
    assert registry.get("fraud-detector@champion").number == 3  # not a stale read
    registry.set_alias("fraud-detector", "challenger", 2)
    registry.set_tag("fraud-detector", 3, "reviewed", "yes")
    registry.describe("fraud-detector", None, "Scores payments.")
    registry.delete_tag("fraud-detector", 3, "reviewed")
    registry.delete_alias("fraud-detector", "challenger")
    registry.rollback("fraud-detector", reason="regression")
    registry.promote("fraud-detector", 3, "staging")
    registry.archive("fraud-detector", 3)
    actions = reg.git("log", "--format=%(trailers:key=Registry-Action,valueonly)", "-9").split()
    assert actions == [
        "archive",
        "promote",
        "rollback",
        "alias-remove",
        "tag-remove",
        "describe",
        "tag-set",
        "alias-set",
        "promote",
    ]
    assert registry.model("fraud-detector").model.description == "Scores payments."
    assert registry.get("fraud-detector:production").number == 2
    with pytest.raises(RegistryError, match="changes are made to the work tree"):
        Registry(reg.root, "HEAD~1").promote("fraud-detector", 3, "staging")
