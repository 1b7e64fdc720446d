"""History from git: exact events, with authors, pull requests and reasons."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from registry import Registry, write
from registry.errors import UsageError
from registry.history import Event, events, pr_number, reason_of
from tests.builder import RegistryBuilder, cli


@contextmanager
def as_person(name: str, email: str) -> Iterator[None]:
    keys = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(dict(zip(keys, (name, email, name, email), strict=True)))
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def summary(found: list[Event]) -> list[tuple[object, ...]]:
    return [
        (e.kind, e.model, e.version, dict(e.details), e.author.email, e.pr, e.reason)
        for e in found
        if e.subject != "baseline"
    ]


def test_pr_numbers_and_reasons_from_messages() -> None:
    assert pr_number("Merge pull request #12 from alice/promote\n\npromote") == 12
    assert pr_number("promote fraud-detector v3 to production (#31)") == 31
    assert pr_number("Merge branch 'x' into 'main'\n\nSee merge request ml/registry!7\n") == 7
    assert pr_number("promote fraud-detector v3 (see #12 for why)") is None
    assert reason_of("promote\n\nbody\n\nRegistry-Action: promote\nReason: shadow wins") == "shadow wins"
    assert reason_of("squash (#3)\n\n* promote\n\nReason: first\n\n* tag") == "first"


def test_merges_squashes_rollback_aliases_reformat_and_rename(reg: RegistryBuilder) -> None:
    main = reg.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    # A GitHub pull request: a branch made by `promote --branch`, merged with --no-ff.
    with as_person("Alice", "alice@example.com"):
        write.promote(reg.root, "fraud-detector", 3, "production", reason="wins in shadow", branch="pr-12")
    with as_person("Bob", "bob@example.com"):
        reg.git("merge", "-q", "--no-ff", "pr-12", "-m", "Merge pull request #12 from alice/pr-12")
    # A squash merge, as GitHub writes it.
    with as_person("Carol", "carol@example.com"):
        reg.edit("models/fraud-detector/model.yaml", "challenger: 3", "challenger: 2")
        reg.commit("move challenger to v2 (#13)")
    # A GitLab merge request.
    with as_person("Dan", "dan@example.com"):
        write.set_alias(reg.root, "fraud-detector", "challenger", 1, branch="mr-7")
        reg.git(
            "merge",
            "-q",
            "--no-ff",
            "mr-7",
            "-m",
            "Merge branch 'mr-7' into 'main'\n\nSee merge request ml/registry!7",
        )
    # A rollback, straight on main.
    with as_person("Erin", "erin@example.com"):
        write.rollback(reg.root, "fraud-detector", reason="latency")
    # Reformatting is not a change.
    reg.edit("models/fraud-detector/versions/1.yaml", "stage: archived", "stage:   'archived'   # was prod")
    reg.commit("reformat")
    # A renamed model keeps its history.
    write.rename(reg.root, "fraud-detector", "fraud-scorer")
    write.set_tag(reg.root, "fraud-scorer", 2, "owner", "risk")
    assert reg.git("rev-parse", "--abbrev-ref", "HEAD").strip() == main

    found = events(reg.root)
    assert summary(found) == [
        (
            "version_archived",
            "fraud-detector",
            2,
            {"from": "production", "to": "archived"},
            "alice@example.com",
            12,
            "wins in shadow",
        ),
        (
            "stage_changed",
            "fraud-detector",
            3,
            {"from": "staging", "to": "production"},
            "alice@example.com",
            12,
            "wins in shadow",
        ),
        (
            "alias_moved",
            "fraud-detector",
            3,
            {"alias": "champion", "from": 2, "to": 3},
            "alice@example.com",
            12,
            "wins in shadow",
        ),
        (
            "alias_moved",
            "fraud-detector",
            2,
            {"alias": "challenger", "from": 3, "to": 2},
            "carol@example.com",
            13,
            None,
        ),
        (
            "alias_moved",
            "fraud-detector",
            1,
            {"alias": "challenger", "from": 2, "to": 1},
            "dan@example.com",
            7,
            None,
        ),
        (
            "stage_changed",
            "fraud-detector",
            2,
            {"from": "archived", "to": "production"},
            "erin@example.com",
            None,
            "latency",
        ),
        (
            "version_archived",
            "fraud-detector",
            3,
            {"from": "production", "to": "archived"},
            "erin@example.com",
            None,
            "latency",
        ),
        (
            "alias_moved",
            "fraud-detector",
            2,
            {"alias": "champion", "from": 3, "to": 2},
            "erin@example.com",
            None,
            "latency",
        ),
        (
            "model_renamed",
            "fraud-scorer",
            None,
            {"from": "fraud-detector", "to": "fraud-scorer"},
            reg_email(found),
            None,
            None,
        ),
        (
            "tags_changed",
            "fraud-scorer",
            2,
            {"from": {}, "to": {"owner": "risk"}},
            reg_email(found),
            None,
            None,
        ),
    ]
    merged = [e for e in found if e.pr == 12]
    assert {e.merged_by.email for e in merged if e.merged_by} == {"bob@example.com"}
    # The whole history of the model, under both names, from the command line.
    proc = cli(reg.root, "history", "fraud-scorer")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "renamed from fraud-detector" in lines[1] and "tags +owner=risk" in lines[0]
    assert any(
        "v3 staging -> production  by alice@example.com  PR #12 merged by bob@example.com  (wins in shadow)"
        in line
        for line in lines
    )


def reg_email(found: list[Event]) -> str:
    return found[-1].author.email


@pytest.mark.parametrize("bad", ["last tuesday", "2026-13-01", "01/03/2026", "-2x"])
def test_bad_dates_are_usage_errors(reg: RegistryBuilder, bad: str) -> None:
    proc = cli(reg.root, "history", "--since", bad)
    assert proc.returncode == 2 and "is not a moment: write 2026-03-01" in proc.stderr, proc.stderr
    proc = cli(reg.root, "history", "--since", "3 fortnights ago")
    assert proc.returncode == 2 and "'fortnight' is not a unit of time" in proc.stderr


def test_at_in_the_words_people_use(empty_repo: RegistryBuilder) -> None:
    """Counted back from now: v2 in production three hours ago, v3 since an hour ago."""
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    with dated((now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")):
        empty_repo.baseline()
        empty_repo.commit("baseline")
    with dated((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")):
        write.promote(empty_repo.root, "fraud-detector", 3, "production")
    for at, expected in (
        ("2 hours ago", "2"),
        ("-2h", "2"),
        ("-30m", "3"),
        ("an hour ago", "3"),
        ("now", "3"),
    ):
        proc = cli(empty_repo.root, "resolve", "models:/fraud-detector/production", "--at", at)
        assert proc.returncode == 0 and proc.stdout.strip() == f"models:/fraud-detector/{expected}", (
            at,
            proc,
        )
    assert Registry(empty_repo.root, at="2 hours ago").get("fraud-detector:production").number == 2
    assert (
        Registry(empty_repo.root, at=now - timedelta(minutes=90)).get("fraud-detector:production").number == 2
    )
    assert Registry(empty_repo.root, at="-1m").get("fraud-detector:production").number == 3
    proc = cli(empty_repo.root, "show", "fraud-detector:production", "--at", "yesterday")  # 24 hours ago
    assert proc.returncode == 2 and "has no commit at or before" in proc.stderr
    with pytest.raises(UsageError, match="is not a moment"):
        Registry(empty_repo.root, at="the day before")


@contextmanager
def dated(iso: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE")}
    os.environ.update({"GIT_AUTHOR_DATE": iso, "GIT_COMMITTER_DATE": iso})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _promoted_on_1_march(reg: RegistryBuilder) -> None:
    """The baseline on 10 January (v2 in production), then v3 promoted on 1 March."""
    with dated("2026-01-10T08:00:00Z"):
        reg.baseline()
        reg.commit("baseline")
    with dated("2026-03-01T10:00:00Z"):
        write.promote(reg.root, "fraud-detector", 3, "production")


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-02-01", "2"),
        ("2026-03-01T09:59:59Z", "2"),
        ("2026-03-01T10:00:00Z", "3"),  # the promotion's own second
        ("2026-03-01T11:30:00+01:00", "3"),
        ("2026-03-03", "3"),
        ("2026-03-05T12:00:01Z", "2"),  # rolled back
        ("2026-12-31", "2"),
    ],
)
def test_show_at_a_moment(empty_repo: RegistryBuilder, at: str, expected: str) -> None:
    reg = empty_repo
    _promoted_on_1_march(reg)
    with dated("2026-03-05T12:00:00Z"):
        write.rollback(reg.root, "fraud-detector")
    proc = cli(reg.root, "resolve", "models:/fraud-detector/production", "--at", at)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"models:/fraud-detector/{expected}"


def test_at_before_the_first_commit_is_an_error(empty_repo: RegistryBuilder) -> None:
    with dated("2026-01-10T08:00:00Z"):
        empty_repo.baseline()
        empty_repo.commit("baseline")
    proc = cli(empty_repo.root, "show", "fraud-detector:production", "--at", "2025-12-31")
    assert proc.returncode == 2
    assert "has no commit at or before 2025-12-31 00:00:00Z" in proc.stderr


def test_two_processes_find_the_same_events_as_one(
    reg: RegistryBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from registry.cache import ParseCache
    from registry.history import walk as history

    with as_person("Alice", "alice@example.com"):
        write.promote(reg.root, "fraud-detector", 3, "production", reason="r", branch="pr-1")
    reg.git("merge", "-q", "--no-ff", "pr-1", "-m", "Merge pull request #1 from a/pr-1")
    reg.write("registry.yaml", reg.read("registry.yaml") + "archive_stage: none\n")
    reg.commit("archive to none")
    write.promote(reg.root, "fraud-detector", 1, "staging")
    write.archive(reg.root, "fraud-detector", 1)  # into `none`, the archive stage now
    monkeypatch.setattr(history, "_PARALLEL_FROM", 10**9)
    one = history.events(reg.root, cache=ParseCache(None))
    monkeypatch.setattr(history, "_PARALLEL_FROM", 2)
    two = history.events(reg.root, cache=ParseCache(None))
    assert two == one
    assert [e.kind for e in one if e.subject.startswith("roll back")].count(
        "version_archived"
    ) == 0  # archive stage is none now


def test_a_broken_record_in_history_is_skipped_not_fatal(reg: RegistryBuilder) -> None:
    v3 = "models/fraud-detector/versions/3.yaml"
    good = reg.read(v3)
    reg.write(v3, "stage: [unclosed\n")
    reg.commit("broken")
    reg.write(v3, good.replace("stage: staging", "stage: production"))
    reg.write("models/fraud-detector/versions/2.yaml", b"\xff\xfe not utf-8")
    reg.commit("fixed, and another broken")
    found = [e for e in events(reg.root) if e.subject != "baseline"]
    # The broken commit makes no event; the mending one is compared with what was there before it broke.
    assert [(e.kind, e.version, dict(e.details), e.subject) for e in found] == [
        ("stage_changed", 3, {"from": "staging", "to": "production"}, "fixed, and another broken")
    ]
    proc = cli(reg.root, "history", "fraud-detector")
    assert proc.returncode == 0, proc.stderr


def test_traffic_changes_are_events_phrased_like_alias_moves(reg: RegistryBuilder) -> None:
    with as_person("Carol", "carol@example.com"):
        write.set_traffic(reg.root, "fraud-detector", {"champion": 90, "challenger": 10}, reason="A/B")
    write.set_traffic(reg.root, "fraud-detector", {"champion": 80, "challenger": 20})
    # a split reformatted by hand is no event
    model = "models/fraud-detector/model.yaml"
    reg.edit(
        model,
        "traffic: {challenger: 20, champion: 80}\n",
        "traffic:\n  champion: 80   # A/B\n  challenger: 20\n",
    )
    reg.commit("reformat")
    write.clear_traffic(reg.root, "fraud-detector")
    assert summary(events(reg.root)) == [
        (
            "traffic_set",
            "fraud-detector",
            None,
            {"from": {}, "to": {"challenger": 10, "champion": 90}},
            "carol@example.com",
            None,
            "A/B",
        ),
        (
            "traffic_set",
            "fraud-detector",
            None,
            {"from": {"challenger": 10, "champion": 90}, "to": {"challenger": 20, "champion": 80}},
            "author@example.com",
            None,
            None,
        ),
        (
            "traffic_cleared",
            "fraud-detector",
            None,
            {"from": {"challenger": 20, "champion": 80}},
            "author@example.com",
            None,
            None,
        ),
    ]
    # a model that starts with a split
    reg.model("ranker", aliases={"a": 1, "b": 1}, traffic={"a": 50, "b": 50})
    reg.version("ranker", 1, "staging")
    reg.commit("a ranker with a split")
    assert [(e.kind, dict(e.details)) for e in events(reg.root, models=["ranker"])] == [
        ("model_created", {"description": "", "owners": [], "tags": {}, "aliases": {"a": 1, "b": 1}}),
        ("version_registered", {"stage": "staging", "description": "Version 1 of ranker.", "tags": {}}),
        ("traffic_set", {"from": {}, "to": {"a": 50, "b": 50}}),
    ]
    shown = cli(reg.root, "history", "fraud-detector").stdout.splitlines()
    assert [line.split("  ")[3] for line in shown[:3]] == [
        "traffic cleared (was @champion 80%, @challenger 20%)",
        "traffic set: @champion 80%, @challenger 20%",
        "traffic set: @champion 90%, @challenger 10%",
    ]


def test_history_of_a_repository_with_no_commits(empty_repo: RegistryBuilder) -> None:
    empty_repo.write("registry.yaml", "stages: [none, staging, production, archived]\n")  # not committed yet
    proc = cli(empty_repo.root, "history")
    assert proc.returncode == 0 and "no commits yet" in proc.stderr


def test_show_production_at_a_moment(empty_repo: RegistryBuilder) -> None:
    reg = empty_repo
    _promoted_on_1_march(reg)
    for at, number in (("2026-02-01", 2), ("2026-03-02", 3)):
        proc = cli(reg.root, "show", "fraud-detector:production", "--at", at)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.splitlines()[0].startswith(f"fraud-detector version {number}"), proc.stdout


def test_a_registry_yaml_that_spells_out_the_defaults_sets_no_policy(empty_repo: RegistryBuilder) -> None:
    defaults = (
        "stages: [none, staging, production, archived]\n"
        "single_holder: [production]\n"
        "archive_on_promote: true\n"
        "archive_stage: archived\n"
        "rollback: true\n"
    )
    empty_repo.write("registry.yaml", defaults)
    empty_repo.commit("a registry, as init writes it")
    empty_repo.write("registry.yaml", defaults.replace("rollback: true", "rollback: false"))
    empty_repo.commit("no rollbacks")
    empty_repo.write("registry.yaml", defaults.replace("rollback: true\n", ""))
    empty_repo.commit("rollback back to its default, by leaving it out")
    found = [(e.kind, e.details) for e in events(empty_repo.root, "HEAD")]
    assert found == [
        ("policy_changed", {"keys": ["rollback"]}),
        ("policy_changed", {"keys": ["rollback"]}),
    ]


def test_an_event_made_from_a_row_equals_the_one_its_constructor_makes() -> None:
    from registry import git
    from registry.history.rows import _event

    alice, bob = ("Alice", "a@example.com", 5, "+0100"), ("Bob", "b@example.com", 6, "-0800")
    row = ("alias_moved", "m", 3, {"alias": "champion", "from": 2, "to": 3}, "c1", alice, alice, 7, 12, "m1")
    made = _event((*row, bob, "why", "subject"), {})
    assert made == Event(
        "alias_moved",
        "m",
        3,
        "c1",
        git.Person(*alice),
        git.Person(*alice),
        7,
        pr=12,
        merge="m1",
        merged_by=git.Person(*bob),
        reason="why",
        subject="subject",
        details={"alias": "champion", "from": 2, "to": 3},
    )
    assert repr(made) == repr(Event(**{k: getattr(made, k) for k in made.__dataclass_fields__}))
    alone = _event(("model_created", "m", None, {}, "c1", alice, alice, 7, None, None, None, None, ""), {})
    assert alone.merged_by is None and alone.author is not None
