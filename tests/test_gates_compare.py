"""Gates that compare with the version that holds a stage now, and gates
over derived metrics: through promote (CLI and Registry) and through the
checker of a pull request, with the same messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry import Registry, write
from registry.check import check
from registry.records.expression import Expression
from registry.write.commit import WriteRefused
from tests.builder import RegistryBuilder, cli

POLICY = """policy:
  gates:
    production:
      metrics:
        f1: ">= production + 0.005"
        latency_ms: "<= production * 1.10"
      expressions:
        overfit: "metrics.train_accuracy - metrics.accuracy <= 0.15"
"""
GOOD = {"train_accuracy": 0.95, "accuracy": 0.9}


@pytest.fixture
def repo(empty_repo: RegistryBuilder, tmp_path: Path) -> RegistryBuilder:
    empty_repo.init_dvc(tmp_path / "remote")
    empty_repo.write("registry.yaml", POLICY)
    empty_repo.commit("a registry with comparing gates")
    return empty_repo


def version(repo: RegistryBuilder, tmp_path: Path, **metrics: float) -> int:
    weights = tmp_path / f"w{len(list(tmp_path.glob('w*')))}.bin"
    weights.write_bytes(repr(metrics).encode())
    _, number = write.register(repo.root, "clf", weights, metrics=metrics, stage="staging")
    return number


def test_a_challenger_must_beat_production(repo: RegistryBuilder, tmp_path: Path) -> None:
    first = version(repo, tmp_path, f1=0.90, latency_ms=10.0, **GOOD)
    proc = cli(repo.root, "promote", "clf", str(first), "production")
    assert proc.returncode == 0, proc.stderr
    assert (
        "registry: gate of production: f1 >= production + 0.005: no version is in production "
        "to compare with, so it passes" in proc.stderr
    )
    # short by 0.002, through the CLI and the API, with both values in the message
    close = version(repo, tmp_path, f1=0.903, latency_ms=10.0, **GOOD)
    proc = cli(repo.root, "promote", "clf", str(close), "production")
    assert proc.returncode == 1
    assert (
        "metric f1 = 0.903 does not satisfy >= production + 0.005: v1 in production has 0.9, "
        "so it must be >= 0.905" in proc.stderr
    ), proc.stderr
    with pytest.raises(WriteRefused, match=r"must be >= 0\.905"):
        Registry(repo.root).promote("clf", close, "production")
    # better, but slower than 10% over production and overfit
    slow = version(repo, tmp_path, f1=0.91, latency_ms=11.5, train_accuracy=0.99, accuracy=0.8)
    proc = cli(repo.root, "promote", "clf", str(slow), "production")
    assert (
        "metric latency_ms = 11.5 does not satisfy <= production * 1.1: v1 in production has 10, "
        in proc.stderr
    )
    assert (
        "condition overfit does not hold: metrics.train_accuracy - metrics.accuracy <= 0.15 (0.19 <= 0.15 is false)"
        in proc.stderr
    ), proc.stderr
    best = version(repo, tmp_path, f1=0.91, latency_ms=10.5, **GOOD)
    got = Registry(repo.root).promote("clf", best, "production")
    assert got and Registry(repo.root).get(f"clf/{best}").stage == "production"
    assert Registry(repo.root).get("clf/1").stage == "archived"
    assert check(repo.root) == []


def test_a_rollback_is_not_held_to_the_comparison(repo: RegistryBuilder, tmp_path: Path) -> None:
    first = version(repo, tmp_path, f1=0.90, latency_ms=10.0, **GOOD)
    Registry(repo.root).promote("clf", first, "production")
    second = version(repo, tmp_path, f1=0.95, latency_ms=9.0, **GOOD)
    Registry(repo.root).promote("clf", second, "production")
    proc = cli(repo.root, "rollback", "clf", "--reason", "p99 regression")
    assert proc.returncode == 0, proc.stderr
    assert "f1 >= production + 0.005: not compared, as a rollback" in proc.stderr
    assert Registry(repo.root).get("clf/1").stage == "production"


def test_the_checker_of_a_pull_request_compares_with_the_base(repo: RegistryBuilder, tmp_path: Path) -> None:
    first = version(repo, tmp_path, f1=0.90, latency_ms=10.0, **GOOD)
    Registry(repo.root).promote("clf", first, "production")
    close = version(repo, tmp_path, f1=0.903, latency_ms=10.0, **GOOD)
    base = repo.git("rev-parse", "HEAD").strip()
    repo.edit(f"models/clf/versions/{close}.yaml", "stage: staging", "stage: production")
    repo.edit("models/clf/versions/1.yaml", "stage: production", "stage: archived")
    repo.commit("promote by hand")
    found = [(p.rule, p.message) for p in check(repo.root, base=base)]
    assert (
        "gate",
        f"version {close} cannot enter production: metric f1 = 0.903 does not satisfy >= production + 0.005: "
        "v1 in production has 0.9, so it must be >= 0.905",
    ) in found, found
    proc = cli(repo.root, "check", "--base", base)
    assert proc.returncode == 1 and "must be >= 0.905" in proc.stdout + proc.stderr


def test_a_gate_that_names_no_stage_or_no_condition_is_refused(repo: RegistryBuilder) -> None:
    repo.write("registry.yaml", POLICY.replace(">= production + 0.005", ">= prod + 0.005"))
    assert {(p.rule, p.path) for p in check(repo.root)} == {("unknown-stage", "registry.yaml")}
    repo.write("registry.yaml", POLICY.replace("<= 0.15", ""))
    found = check(repo.root)
    assert [p.rule for p in found] == ["schema"] and "a condition compares two sides" in found[0].message
    repo.write("registry.yaml", POLICY.replace("metrics.accuracy <= 0.15", "__import__('os') <= 1"))
    assert [p.rule for p in check(repo.root)] == ["schema"]


@pytest.mark.parametrize(
    ("text", "metrics", "held", "expected"),
    [
        ("metrics.a / metrics.b >= 2", {"a": 4.0, "b": 2.0}, None, (True, 2.0, 2.0)),
        ("-(metrics.a - 1) * 2 < 0", {"a": 2.0}, None, (True, -2.0, 0.0)),
        ("metrics.a / metrics.b >= 2", {"a": 4.0, "b": 0.0}, None, "it divides by zero"),
        ("metrics.val.f1 > production.metrics.val.f1", {"val.f1": 0.9}, {"val.f1": 0.8}, (True, 0.9, 0.8)),
        ("metrics.f1 > production.metrics.f1", {"f1": 0.9}, None, "empty: production"),
        (
            "metrics.f1 > production.metrics.f1",
            {"f1": 0.9},
            {},
            "metric 'f1' of the production version is missing",
        ),
    ],
)
def test_expressions_evaluate_without_python(
    text: str, metrics: dict[str, float], held: dict[str, float] | None, expected: object
) -> None:
    assert Expression.parse(text).evaluate(metrics, lambda stage: held) == expected
