"""History over the git that people really have: commits with odd or broken
dates and identities, shallow clones, grafts and replace refs, and ``--at``
at any moment."""

from __future__ import annotations

import json
import subprocess

import pytest

from registry.cache import ParseCache
from registry.history import events
from tests.builder import RegistryBuilder, cli

V3 = "models/fraud-detector/versions/3.yaml"
YEAR_11476 = 300_000_000_000  # fsck-clean, beyond what datetime can hold
LATEST = 253_402_300_799  # 9999-12-31T23:59:59Z


def raw_commit(reg: RegistryBuilder, headers: str, message: str, *, literally: bool = False) -> str:
    """A commit object written by hand on top of HEAD, with the work tree's
    index as its tree; the branch is moved to it."""
    reg.git("add", "-A")
    tree = reg.git("write-tree").strip()
    parent = reg.git("rev-parse", "HEAD").strip()
    text = f"tree {tree}\nparent {parent}\n{headers}\n{message}\n"
    cmd = ["git", "hash-object", "-t", "commit", "-w", "--stdin"] + (["--literally"] if literally else [])
    commit = subprocess.run(
        cmd, cwd=reg.root, input=text.encode(), capture_output=True, check=True
    ).stdout.decode()
    reg.git("update-ref", "HEAD", commit.strip())
    reg.git("reset", "-q")
    return commit.strip()


def promote_v3_by_hand(reg: RegistryBuilder, headers: str, *, literally: bool = False) -> str:
    reg.edit(V3, "stage: staging", "stage: production")
    reg.edit("models/fraud-detector/versions/2.yaml", "stage: production", "stage: archived")
    return raw_commit(reg, headers, "promote v3 by hand", literally=literally)


def test_a_commit_dated_after_year_9999_is_shown_at_the_end_of_the_domain(reg: RegistryBuilder) -> None:
    ident = f"a <a@example.com> {YEAR_11476} +0000"
    commit = promote_v3_by_hand(reg, f"author {ident}\ncommitter {ident}\n")
    assert "error" not in reg.git("fsck", "--no-dangling")  # git itself accepts the commit
    proc = cli(reg.root, "history", "fraud-detector")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith(f"9999-12-31 23:59  {commit[:10]}  fraud-detector  v")
    found = json.loads(cli(reg.root, "history", "--json").stdout)
    assert found[0]["time"] == LATEST and found[0]["author"]["time"] == LATEST


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param("committer c <c@example.com> 1700000000 +0000\n", id="no-author-line"),
        pytest.param(
            "author a <a@example.com> soon +0000\ncommitter c <c@example.com> 99999999999999999999999 +0000\n",
            id="garbage-timestamps",
        ),
        pytest.param(
            "author a <a@example.com> 1700000000 +99999999999\n"
            "committer c <c@example.com> 1700000000 -99999999999\n",
            id="huge-timezone",
        ),
        pytest.param(
            "author a <a@example.com> -5 +0000\ncommitter c <c@example.com> -5 +0000\n", id="negative"
        ),
        pytest.param("author nobody\ncommitter\n", id="no-email-no-time"),
    ],
)
def test_history_is_total_over_commits_fsck_rejects(reg: RegistryBuilder, headers: str) -> None:
    commit = promote_v3_by_hand(reg, headers, literally=True)
    assert reg.git("cat-file", "-t", commit).strip() == "commit"
    found = [e for e in events(reg.root, cache=ParseCache(None)) if e.commit == commit]
    assert {(e.kind, e.version) for e in found} == {("stage_changed", 3), ("version_archived", 2)}
    for e in found:
        assert 0 <= e.time <= LATEST and 0 <= e.author.time <= LATEST
        assert len(e.author.offset) == 5 and e.author.offset[0] in "+-"
    for args in (["history", "fraud-detector"], ["history", "--json"]):
        proc = cli(reg.root, *args)
        assert proc.returncode == 0, proc.stderr
        assert commit[:10] in proc.stdout
    if "author a" not in headers:
        assert "by (unknown)" in cli(reg.root, "history").stdout.splitlines()[0]
