"""A/B traffic splits: set and cleared as commits, held to the checker's
rules (through ``traffic set``, ``registry check`` and ``check --base``, and
through every write that moves an alias under a split), shown, and routed
deterministically, each through the command line and through ``Registry``."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest

from registry import Registry
from registry.check import check
from registry.errors import NotFound, UsageError
from registry.write.commit import WriteRefused
from tests.builder import RegistryBuilder, cli

MODEL = "models/clf/model.yaml"
POLICY = """\
policy:
  aliases:
    challenger: {metrics: {f1: ">= 0.9"}}
  traffic: {max_challenger: 20}
"""


@pytest.fixture
def repo(empty_repo: RegistryBuilder) -> RegistryBuilder:
    """clf: v1 archived, v2 production (@champion), v3 staging (@challenger),
    v4 staging with too low an f1 for @challenger's gate, v5 new; a split of
    champion 80, challenger 20; versions outside production capped at 20%."""
    repo = empty_repo
    repo.write("registry.yaml", POLICY)
    repo.model("clf", description="A classifier.", aliases={"champion": 2, "challenger": 3})
    for number, stage, f1 in [(1, "archived", 0.9), (2, "production", 0.95), (3, "staging", 0.93)]:
        repo.version("clf", number, stage, metrics={"f1": f1})
    repo.version("clf", 4, "staging", metrics={"f1": 0.85})
    repo.version("clf", 5, "none", metrics={"f1": 0.96})
    repo.commit("a classifier")
    Registry(repo.root).set_traffic("clf", {"champion": 80, "challenger": 20})
    return repo


def head(repo: RegistryBuilder) -> str:
    return repo.git("rev-parse", "HEAD").strip()


def errors(repo: RegistryBuilder, base: str | None = None) -> list[tuple[str, str, int | None]]:
    return [(p.rule, p.path, p.line) for p in check(repo.root, base=base) if p.severity == "error"]


# -- setting a split -----------------------------------------------------------


def test_traffic_set_writes_one_commit(repo: RegistryBuilder) -> None:
    proc = cli(repo.root, "traffic", "set", "clf", "champion=90", "challenger=10", "--reason", "ramp down")
    assert proc.returncode == 0, proc.stderr
    assert "traffic clf: champion 90%, challenger 10% (was champion 80%, challenger 20%)" in proc.stdout
    log = repo.git("log", "-1", "--format=%(trailers:only,unfold)")
    assert "Registry-Action: traffic" in log and "Traffic: champion=90 challenger=10" in log
    assert "Reason: ramp down" in log
    assert Registry(repo.root).model("clf").model.traffic == {"champion": 90, "challenger": 10}
    assert repo.git("status", "--porcelain") == ""
    assert errors(repo) == []


def test_a_split_that_does_not_sum_to_100_is_refused_and_nothing_is_written(repo: RegistryBuilder) -> None:
    before, text = head(repo), repo.read(MODEL)
    proc = cli(repo.root, "traffic", "set", "clf", "champion=90", "challenger=5")
    assert proc.returncode == 1
    assert "traffic shares sum to 95, not 100 (champion 90%, challenger 5%)" in proc.stderr
    with pytest.raises(WriteRefused, match="sum to 110, not 100"):
        Registry(repo.root).set_traffic("clf", {"champion": 90, "challenger": 20})
    assert head(repo) == before and repo.read(MODEL) == text


def test_check_refuses_a_hand_edited_split_that_does_not_sum_to_100(repo: RegistryBuilder) -> None:
    repo.edit(MODEL, "champion: 80", "champion: 70")
    assert errors(repo) == [("traffic-sum", MODEL, 5)]
    proc = cli(repo.root, "check")
    assert proc.returncode == 1
    assert f"{MODEL}:5: traffic-sum: traffic shares sum to 90, not 100" in proc.stdout


def test_a_split_over_an_alias_that_does_not_exist_is_refused(repo: RegistryBuilder) -> None:
    proc = cli(repo.root, "traffic", "set", "clf", "champion=80", "canary=20")
    assert proc.returncode == 1
    assert "traffic names @canary, which clf does not have (aliases: @challenger, @champion)" in proc.stderr
    with pytest.raises(WriteRefused, match="@canary, which clf does not have"):
        Registry(repo.root).set_traffic("clf", {"champion": 80, "canary": 20})
    repo.edit(MODEL, "challenger: 20", "canary: 20")
    assert errors(repo) == [("traffic-alias", MODEL, 5)]


def test_a_share_over_the_cap_for_a_version_outside_production_is_refused(repo: RegistryBuilder) -> None:
    proc = cli(repo.root, "traffic", "set", "clf", "champion=70", "challenger=30")
    assert proc.returncode == 1
    assert (
        "traffic sends 30% to @challenger (version 3, in staging); a version outside production "
        "may hold at most 20% (policy traffic.max_challenger)" in proc.stderr
    ), proc.stderr
    with pytest.raises(WriteRefused, match="at most 20%"):
        Registry(repo.root).set_traffic("clf", {"champion": 70, "challenger": 30})
    # a production version may hold any share
    assert Registry(repo.root).set_traffic("clf", {"champion": 95, "challenger": 5})


def test_a_pull_request_is_held_to_the_cap_of_its_base(repo: RegistryBuilder) -> None:
    repo.edit(MODEL, "champion: 80", "champion: 50")
    repo.edit(MODEL, "challenger: 20", "challenger: 50")
    repo.write(MODEL, repo.read(MODEL) + "policy:\n  traffic: {max_challenger: 50}\n")
    assert errors(repo) == []  # the tree alone trusts its own policy
    proc = cli(repo.root, "check", "--base", "HEAD")
    assert proc.returncode == 1
    assert "traffic-cap: traffic sends 50% to @challenger" in proc.stdout and "policy-change" in proc.stdout
    assert ("traffic-cap", MODEL, 5) in errors(repo, base="HEAD")


def test_bad_shares_are_usage_errors(repo: RegistryBuilder) -> None:
    for args in (["champion=ninety"], ["champion"], ["champion=80", "champion=20"], ["champion=0"]):
        proc = cli(repo.root, "traffic", "set", "clf", *args)
        assert proc.returncode == 2, (args, proc.stderr)
    with pytest.raises(UsageError, match="whole percent from 1 to 100"):
        Registry(repo.root).set_traffic("clf", {"champion": 100.0})  # type: ignore[dict-item]


def test_traffic_set_on_a_branch_leaves_the_work_tree_alone(repo: RegistryBuilder) -> None:
    before, text = head(repo), repo.read(MODEL)
    proc = cli(repo.root, "traffic", "set", "clf", "champion=90", "challenger=10", "--branch")
    assert proc.returncode == 0, proc.stderr
    assert "(branch registry/traffic-clf-champion-90-challenger-10" in proc.stdout
    assert head(repo) == before and repo.read(MODEL) == text


def test_traffic_clear_removes_the_split(repo: RegistryBuilder) -> None:
    repo.write(MODEL, repo.read(MODEL).replace("traffic:", "# the A/B test of June\ntraffic:"))
    repo.commit("a comment")
    proc = cli(repo.root, "traffic", "clear", "clf")
    assert proc.returncode == 0, proc.stderr
    assert "traffic clf: cleared (was champion 80%, challenger 20%)" in proc.stdout
    assert "traffic" not in repo.read(MODEL).replace("A/B test", "")
    assert Registry(repo.root).model("clf").model.traffic == {}
    with pytest.raises(WriteRefused, match="no traffic split to clear"):
        Registry(repo.root).clear_traffic("clf")


# -- moving or removing an alias that a split names ---------------------------


def test_moving_an_alias_under_a_split_to_a_version_that_passes_is_allowed(repo: RegistryBuilder) -> None:
    proc = cli(repo.root, "alias", "set", "clf", "challenger", "5")
    assert proc.returncode == 0, proc.stderr
    key = next(k for k in map(str, range(1000)) if _bucket("clf", k) < 20)
    assert Registry(repo.root).route("clf", key).version == 5  # the challenger's share goes to v5 now
    assert Registry(repo.root).set_alias("clf", "challenger", 3)
    assert errors(repo) == []


def test_moving_an_alias_under_a_split_past_the_cap_is_refused(repo: RegistryBuilder) -> None:
    before = head(repo)
    proc = cli(repo.root, "alias", "set", "clf", "champion", "3")  # 80% to a staging version
    assert proc.returncode == 1
    assert "traffic-cap: traffic sends 80% to @champion (version 3, in staging)" in proc.stderr, proc.stderr
    with pytest.raises(WriteRefused, match="traffic sends 80% to @champion"):
        Registry(repo.root).set_alias("clf", "champion", 5)
    assert head(repo) == before


def test_moving_an_alias_under_a_split_to_a_version_failing_its_gate_or_archived_is_refused(
    repo: RegistryBuilder,
) -> None:
    proc = cli(repo.root, "alias", "set", "clf", "challenger", "4")
    assert proc.returncode == 1
    assert "metric f1 = 0.85 does not satisfy >= 0.9" in proc.stderr
    with pytest.raises(WriteRefused, match="traffic sends 20% to @challenger, which points to version 1"):
        Registry(repo.root).set_alias("clf", "challenger", 1)
    proc = cli(repo.root, "alias", "set", "clf", "challenger", "1")
    assert proc.returncode == 1 and "traffic-archived" in proc.stderr
    # a promotion that archives the version a split sends traffic to is refused too
    with pytest.raises(WriteRefused, match="traffic-archived: traffic sends 80% to @champion"):
        Registry(repo.root).promote("clf", 3, "production")


def test_removing_an_alias_that_a_split_names_is_refused(repo: RegistryBuilder) -> None:
    before = head(repo)
    proc = cli(repo.root, "alias", "rm", "clf", "challenger")
    assert proc.returncode == 1
    assert "traffic-alias: traffic names @challenger, which clf does not have" in proc.stderr
    with pytest.raises(WriteRefused, match="traffic names @challenger"):
        Registry(repo.root).delete_alias("clf", "challenger")
    assert head(repo) == before
    Registry(repo.root).clear_traffic("clf")
    assert Registry(repo.root).delete_alias("clf", "challenger")


# -- routing -------------------------------------------------------------------


def _bucket(model: str, key: str) -> int:
    """The documented formula, written out again: other languages must reproduce it."""
    return int.from_bytes(hashlib.sha256(f"{model}\0{key}".encode()).digest()[:8], "big") % 100


def test_route_is_deterministic_and_follows_the_shares(repo: RegistryBuilder) -> None:
    reg = Registry(repo.root)
    keys = [f"user-{i}" for i in range(10_000)]
    routes = {k: reg.route("clf", k) for k in keys}
    # aliases in name order hold consecutive buckets: challenger 0..19, champion 20..99
    for k, r in routes.items():
        assert r.bucket == _bucket("clf", k)
        assert (r.alias, r.version, r.share) == (
            ("challenger", 3, 20) if r.bucket < 20 else ("champion", 2, 80)
        )
    counts = Counter(r.alias for r in routes.values())
    assert 7_700 <= counts["champion"] <= 8_300 and counts["challenger"] == 10_000 - counts["champion"]
    assert [Registry(repo.root).route("clf", k) for k in keys[:50]] == [routes[k] for k in keys[:50]]
    proc = cli(repo.root, "route", "clf", "user-7")
    assert proc.returncode == 0, proc.stderr
    r = routes["user-7"]
    assert proc.stdout == f"@{r.alias} v{r.version} ({r.share}%, bucket {r.bucket})\n"
    shown = json.loads(cli(repo.root, "route", "clf", "user-7", "--json").stdout)
    assert shown == {
        "model": "clf",
        "alias": r.alias,
        "version": r.version,
        "share": r.share,
        "bucket": r.bucket,
        "uri": f"models:/clf/{r.version}",
    }


def test_changing_the_shares_moves_only_the_keys_in_the_range_that_changes_hands(
    repo: RegistryBuilder,
) -> None:
    keys = [f"session-{i}" for i in range(2_000)]
    old = Registry(repo.root)  # one load each: route reads what a Registry loaded
    before = {k: old.route("clf", k).alias for k in keys}
    Registry(repo.root).set_traffic("clf", {"champion": 85, "challenger": 15})
    new = Registry(repo.root)
    after = {k: new.route("clf", k) for k in keys}
    moved = [k for k in keys if after[k].alias != before[k]]
    assert moved and all(15 <= after[k].bucket < 20 for k in moved)
    assert all(before[k] == "challenger" and after[k].alias == "champion" for k in moved)


def test_route_of_a_model_without_a_split_is_an_error(repo: RegistryBuilder) -> None:
    Registry(repo.root).clear_traffic("clf")
    with pytest.raises(NotFound, match="clf has no traffic split"):
        Registry(repo.root).route("clf", "user-1")
    proc = cli(repo.root, "route", "clf", "user-1")
    assert proc.returncode == 1 and "clf has no traffic split" in proc.stderr


# -- showing it ------------------------------------------------------------------


def test_show_and_history_carry_the_split(repo: RegistryBuilder) -> None:
    shown = cli(repo.root, "show", "clf").stdout.splitlines()
    assert "traffic: @champion v2 80% · @challenger v3 20%" in shown
    data = json.loads(cli(repo.root, "show", "clf", "--json").stdout)
    assert data["traffic"] == [
        {"alias": "challenger", "version": 3, "share": 20},
        {"alias": "champion", "version": 2, "share": 80},
    ]
    Registry(repo.root).set_traffic("clf", {"champion": 90, "challenger": 10})
    Registry(repo.root).clear_traffic("clf")
    lines = cli(repo.root, "history", "clf").stdout.splitlines()
    assert "traffic cleared (was @champion 90%, @challenger 10%)" in lines[0]
    assert "traffic set: @champion 90%, @challenger 10%" in lines[1]
    assert "traffic set: @champion 80%, @challenger 20%" in lines[2]
