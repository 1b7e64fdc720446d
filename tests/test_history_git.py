"""History over the git that people really have: commits with odd or broken
dates and identities, shallow clones, grafts and replace refs, and ``--at``
at any moment."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from registry import write
from registry.cache import ParseCache
from registry.history import Event, events
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


# -- --at: the commit current at a moment ------------------------------------------


def test_at_before_1973_finds_no_commit(reg: RegistryBuilder) -> None:
    for at in ("1969-12-31", "1970-01-01T00:00:00Z", "1973-03-03T09:46:39Z"):
        proc = cli(reg.root, "resolve", "models:/fraud-detector@champion", "--at", at)
        assert proc.returncode == 2, (at, proc.stdout)
        assert "has no commit at or before" in proc.stderr and proc.stdout == ""


def _chain(root: Path, times: list[int], merged: list[bool]) -> None:
    """A first-parent chain of commits with these committer times, oldest
    first; where ``merged``, a merge of a side commit dated a second later."""

    def run(*args: str, stdin: str = "") -> str:
        proc = subprocess.run(["git", *args], cwd=root, input=stdin.encode(), capture_output=True, check=True)
        return proc.stdout.decode().strip()

    run("init", "-q", "-b", "main")
    tree = run("mktree")
    parent: list[str] = []

    def commit(t: int, parents: list[str], msg: str) -> str:
        head = "".join(f"parent {p}\n" for p in parents)
        text = f"tree {tree}\n{head}author a <a@x> {t} +0000\ncommitter c <c@x> {t} +0100\n\n{msg}\n"
        return run("hash-object", "-t", "commit", "-w", "--stdin", stdin=text)

    for i, (t, merge) in enumerate(zip(times, merged, strict=True)):
        tip = [commit(t, parent, f"c{i}")]
        if merge and parent:
            side = commit(t + 1, parent, f"side {i}")
            tip = [commit(t, [*parent, side], f"merge {i}")]
        parent = tip
    run("update-ref", "refs/heads/main", parent[0])


def _brute_at(root: Path, when: int) -> str | None:
    out = subprocess.run(
        ["git", "log", "--first-parent", "--format=%H %ct", "main"], cwd=root, capture_output=True, check=True
    ).stdout.decode()
    for line in out.splitlines():
        commit, ct = line.split()
        if int(ct) <= when:
            return commit
    return None


_TIMES = st.one_of(
    st.integers(0, 200_000_000),  # before and around 1973-03-03 (epoch 100,000,000)
    st.integers(1_600_000_000, 1_800_000_000),
    st.sampled_from([0, 1, 99_999_999, 100_000_000, 100_000_001, 253_402_300_799]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TIMES, st.booleans()), min_size=1, max_size=5))
def test_at_finds_the_commit_current_at_any_moment(commits: list[tuple[int, bool]]) -> None:
    from registry import git

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _chain(root, [t for t, _ in commits], [m for _, m in commits])
        probes = {-(10**12), -1, 10**13, LATEST + 1}
        probes.update(t + d for t, _ in commits for d in (-1, 0, 1))
        for when in sorted(probes):
            assert git.commit_at(root, when, "main") == _brute_at(root, when), when


# -- shallow clones, grafts and replace refs ------------------------------------------


def _clone(reg: RegistryBuilder, dest: Path, *depth: str) -> Path:
    subprocess.run(
        ["git", "clone", "-q", *depth, f"file://{reg.root}", str(dest)], check=True, capture_output=True
    )
    return dest


def _kinds(found: list[Event]) -> list[tuple[str, str | None, int | None, str]]:
    return [(e.kind, e.model, e.version, e.commit) for e in found]


def test_history_of_a_shallow_clone_starts_at_its_boundary(reg: RegistryBuilder, tmp_path: Path) -> None:
    baseline = reg.git("rev-parse", "HEAD").strip()
    write.promote(reg.root, "fraud-detector", 3, "production")
    promoted = reg.git("rev-parse", "HEAD").strip()
    full = [e for e in events(reg.root) if e.commit == promoted]
    assert full  # the promotion's events, in the whole history

    two = _clone(reg, tmp_path / "two", "--depth", "2")
    for cache in (None, ParseCache(None)):
        assert _kinds(events(two, cache=cache)) == _kinds(full)  # nothing invented at the boundary
    proc = cli(two, "history", "fraud-detector")
    assert proc.returncode == 0, proc.stderr
    assert "model created" not in proc.stdout and "registered" not in proc.stdout
    assert len(proc.stdout.splitlines()) == len(full)
    assert f"shallow clone: its history starts at commit {baseline[:10]}" in proc.stderr

    one = _clone(reg, tmp_path / "one", "--depth", "1")
    proc = cli(one, "history", "fraud-detector")
    assert proc.returncode == 0 and proc.stdout == ""
    assert f"starts at commit {promoted[:10]}" in proc.stderr and "no changes" in proc.stderr

    whole = _clone(reg, tmp_path / "whole")
    proc = cli(whole, "history", "fraud-detector")
    assert "shallow" not in proc.stderr and "model created" in proc.stdout


def test_rollback_in_a_shallow_clone_says_the_history_is_shallow(
    reg: RegistryBuilder, tmp_path: Path
) -> None:
    write.promote(reg.root, "fraud-detector", 3, "production")
    one = _clone(reg, tmp_path / "one", "--depth", "1")
    proc = cli(one, "rollback", "fraud-detector")
    assert proc.returncode == 1
    assert "no earlier production version" in proc.stderr and "shallow clone" in proc.stderr
    two = _clone(reg, tmp_path / "two", "--depth", "2")
    proc = cli(two, "rollback", "fraud-detector")
    assert proc.returncode == 0, proc.stderr
    assert "shallow clone" in proc.stderr
    assert (
        "roll back fraud-detector production to v2"
        in subprocess.run(
            ["git", "log", "-1", "--format=%s"], cwd=two, capture_output=True, text=True, check=True
        ).stdout
    )


def _changes(reg: RegistryBuilder) -> list[str]:
    """Four commits after the baseline, each with events; their ids, oldest first."""
    out = []
    write.promote(reg.root, "fraud-detector", 3, "production")
    out.append(reg.git("rev-parse", "HEAD").strip())
    reg.edit("models/fraud-detector/model.yaml", "description: Detects fraud.", "description: Finds fraud.")
    out.append(reg.commit("describe"))
    write.set_alias(reg.root, "fraud-detector", "challenger", 2)
    out.append(reg.git("rev-parse", "HEAD").strip())
    reg.edit(V3, "description: Version 3", "description: The third version")
    out.append(reg.commit("describe v3"))
    return out


def test_grafts_and_replace_refs_give_the_same_history_with_and_without_the_cache(
    reg: RegistryBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline = reg.git("rev-parse", "HEAD").strip()
    c1, c2, c3, c4 = _changes(reg)

    def both() -> list[tuple[str, str | None, int | None, str]]:
        warm = _kinds(events(reg.root))  # the repository's cache, filled by earlier calls
        assert warm == _kinds(events(reg.root, cache=ParseCache(None)))
        return warm

    original = both()
    reg.git("replace", "--graft", c3, baseline)  # c1 and c2 leave the main line
    grafted = both()
    assert grafted != original and {c1, c2}.isdisjoint(e[3] for e in grafted)
    reg.git("replace", "-d", c3)
    assert both() == original

    # A replaced commit: c2's place taken by a commit that also changes v3's tags.
    reg.git("checkout", "-q", c2)
    reg.edit(V3, "stage: production", "stage: production\ntags: {late: 'yes'}")
    reg.git("commit", "-q", "-a", "--amend", "-m", "describe, and tag v3")
    other = reg.git("rev-parse", "HEAD").strip()
    reg.git("checkout", "-q", "main")
    reg.git("replace", c2, other)
    replaced = both()
    assert ("tags_changed", "fraud-detector", 3, c2) in replaced  # shown under the id it replaces
    monkeypatch.setenv("GIT_NO_REPLACE_OBJECTS", "1")  # the user's git --no-replace-objects
    assert both() == original
    monkeypatch.delenv("GIT_NO_REPLACE_OBJECTS")
    assert both() == replaced
    reg.git("replace", "-d", c2)

    grafts = reg.root / ".git" / "info" / "grafts"
    grafts.parent.mkdir(exist_ok=True)
    grafts.write_text(f"{c4} {c1}\n")  # the old graft file: c2 and c3 leave the main line
    assert both() not in (original, grafted)
    grafts.unlink()
    assert both() == original


def test_cat_file_reads_many_blobs_byte_for_byte_and_names_a_missing_one(reg: RegistryBuilder) -> None:
    from registry import git
    from registry.errors import GitError

    contents = [b"", b"no newline at the end", b"two\nlines\n", bytes(range(256)) * 40, b"\n\n"]
    blobs = [git.hash_blob(reg.root, data) for data in contents]
    with git.CatFile(reg.root) as cat:
        assert cat.read_many([*blobs, blobs[0]]) == dict(zip(blobs, contents, strict=True))
        assert cat.read_many([]) == {}
        missing = "0123456789abcdef0123456789abcdef01234567"
        with pytest.raises(GitError, match=missing):
            cat.read_many([blobs[1], missing])


def test_history_is_read_without_a_temporary_folder_too(
    reg: RegistryBuilder, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    expected = [e.to_json() for e in events(reg.root, cache=ParseCache(None))]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))  # where temporary files go
    assert [e.to_json() for e in events(reg.root, cache=ParseCache(None))] == expected
