"""The search grammar: MLflow's filter language plus OR, NOT, parentheses, alias and created_at."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from typing import Any

import pytest

from registry.errors import RegistryError, UsageError
from registry.records import Model, RegisteredModel, Version
from registry.search import (
    And,
    Attribute,
    Condition,
    Filter,
    Not,
    Or,
    OrderKey,
    SearchError,
    parse,
    parse_order_by,
    search,
    search_models,
)


def make_model(name: str, versions: dict[int, dict[str, Any]], **model_fields: Any) -> RegisteredModel:
    """A registered model built from plain record mappings, as the loader would."""
    built = {}
    for number, fields in versions.items():
        raw = {
            "created_at": f"2026-01-{number:02d}T10:00:00Z",
            "created_by": "alice@example.com",
            "stage": "none",
            "artifact": {"path": f"artifacts/{number}/model.bin", "md5": "0" * 32, "size": 1},
            **fields,
        }
        built[number] = Version.from_dict(name, number, f"models/{name}/versions/{number}.yaml", raw)
    return RegisteredModel(Model.from_dict(name, f"models/{name}/model.yaml", model_fields), built)


MODELS = {
    rm.name: rm
    for rm in (
        make_model(
            "fraud-detector",
            {
                1: {
                    "stage": "archived",
                    "metrics": {"f1": 0.81, "delta": -1.5},
                    "params": {"lr": 0.01, "optimizer": "adam", "layers": "12"},
                    "tags": {"note": "50% off_peak"},
                },
                2: {
                    "stage": "production",
                    "created_at": "2026-02-01T09:30:00Z",
                    "description": "Gradient boosted trees",
                    "metrics": {"f1": 0.93, "auc": 0.97},
                    "params": {"lr": "0.001", "optimizer": "sgd", "layers": 9, "early_stop": True},
                    "tags": {"team": "fraud-ml", "my key": "v", "x.y": "dotted"},
                    "lineage": {"run": {"id": "run-2"}},
                },
                3: {
                    "stage": "staging",
                    "created_at": "2026-03-01T00:00:00Z",
                    "created_by": "bob@example.com",
                },
            },
            tags={"domain": "payments", "team": "risk"},
            aliases={"champion": 2, "challenger": 3},
        ),
        make_model(
            "base-encoder",
            {
                1: {
                    "stage": "production",
                    "metrics": {"f1-score": 0.7, "f1": 0.88},
                    "description": 'it\'s "ok"',
                }
            },
            tags={"domain": "nlp"},
            aliases={"champion": 1},
        ),
        make_model("fraud-scorer", {1: {}}),
    )
}
ALL = ["base-encoder/1", "fraud-detector/3", "fraud-detector/2", "fraud-detector/1", "fraud-scorer/1"]


def refs(
    filter_text: str = "", order_by: list[str] | None = None, max_results: int | None = None
) -> list[str]:
    return [v.ref for _, v in search(MODELS, filter_text, order_by or [], max_results)]


def error(filter_text: str) -> SearchError:
    with pytest.raises(SearchError) as info:
        parse(filter_text)
    return info.value


# -- matching -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_filter_matches_everything_in_default_order(text: str) -> None:
    assert parse(text) == Filter()
    assert refs(text) == ALL


def test_equality_and_inequality_on_strings() -> None:
    assert refs("name = 'fraud-detector'") == ["fraud-detector/3", "fraud-detector/2", "fraud-detector/1"]
    assert refs("stage != 'production'") == ["fraud-detector/3", "fraud-detector/1", "fraud-scorer/1"]
    assert refs("stage == 'staging'") == refs("stage = 'staging'") == ["fraud-detector/3"]
    assert refs("stage <> 'none'") == refs("stage != 'none'")


def test_equality_is_case_sensitive_but_for_stages_as_mlflow_users_type_them() -> None:
    assert refs("name = 'Fraud-Detector'") == []
    assert refs("stage = 'Production'") == refs("stage = 'production'") != []


def test_string_ordering_is_lexicographic() -> None:
    assert refs("name < 'fraud'") == ["base-encoder/1"]
    assert refs("name >= 'fraud-s'") == ["fraud-scorer/1"]
    assert refs("name > 'fraud-detector' AND name <= 'fraud-scorer'") == ["fraud-scorer/1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metrics.f1 = 0.93", ["fraud-detector/2"]),
        ("metrics.f1 != 0.93", ["base-encoder/1", "fraud-detector/1"]),
        ("metrics.f1 < 0.88", ["fraud-detector/1"]),
        ("metrics.f1 <= 0.88", ["base-encoder/1", "fraud-detector/1"]),
        ("metrics.f1 > 0.88", ["fraud-detector/2"]),
        ("metrics.f1 >= 0.88", ["base-encoder/1", "fraud-detector/2"]),
    ],
)
def test_metrics_compare_as_numbers(text: str, expected: list[str]) -> None:
    assert refs(text) == expected


@pytest.mark.parametrize("literal", ["0.9", ".9", "9e-1", "90E-2", "+0.9", "0.90"])
def test_number_literals_in_every_spelling(literal: str) -> None:
    assert refs(f"metrics.f1 > {literal}") == ["fraud-detector/2"]


def test_negative_numbers() -> None:
    assert refs("metrics.delta < -1") == ["fraud-detector/1"]
    assert refs("metrics.delta > -1") == []
    assert refs("metrics.delta >= -1.5e0") == ["fraud-detector/1"]


def test_version_compares_as_a_number() -> None:
    assert refs("version >= 2") == ["fraud-detector/3", "fraud-detector/2"]
    assert refs("version_number = 3") == ["fraud-detector/3"]
    assert refs("version IN (1, 3) AND name = 'fraud-detector'") == ["fraud-detector/3", "fraud-detector/1"]


def test_missing_value_fails_every_comparison_even_not_equal() -> None:
    assert refs("metrics.auc != 0.5") == ["fraud-detector/2"]
    assert refs("tags.note NOT IN ('x')") == ["fraud-detector/1"]
    assert refs("metrics.auc < 100 OR metrics.auc >= 100") == ["fraud-detector/2"]


def test_not_negates_plainly_so_missing_values_match() -> None:
    assert refs("NOT metrics.auc = 0.97") == [r for r in ALL if r != "fraud-detector/2"]


def test_is_null_and_is_not_null_test_presence() -> None:
    assert refs("metrics.auc IS NOT NULL") == ["fraud-detector/2"]
    assert refs("metrics.f1 IS NULL") == ["fraud-detector/3", "fraud-scorer/1"]
    assert refs("params.optimizer is not null") == ["fraud-detector/2", "fraud-detector/1"]
    assert refs("tags.domain IS NULL") == ["fraud-scorer/1"]
    assert refs("run_id IS NOT NULL") == ["fraud-detector/2"]


def test_like_is_anchored_and_case_sensitive() -> None:
    assert refs("name LIKE 'fraud-%'") == [
        "fraud-detector/3",
        "fraud-detector/2",
        "fraud-detector/1",
        "fraud-scorer/1",
    ]
    assert refs("name LIKE 'raud%'") == []
    assert refs("name LIKE 'fraud'") == []
    assert refs("name LIKE 'FRAUD-%'") == []
    assert refs("name LIKE '%encoder'") == ["base-encoder/1"]


def test_like_underscore_matches_exactly_one_character() -> None:
    assert refs("name LIKE 'fraud-scorer_'") == []
    assert refs("name LIKE 'fraud-sc_rer'") == ["fraud-scorer/1"]
    assert refs("name LIKE 'fraud-_corer'") == ["fraud-scorer/1"]


def test_ilike_ignores_case() -> None:
    assert refs("name ILIKE 'FRAUD-S%'") == ["fraud-scorer/1"]
    assert refs("description ILIKE '%BOOSTED%'") == ["fraud-detector/2"]


def test_like_backslash_escapes_wildcards() -> None:
    assert refs(r"tags.note LIKE '50\% off\_peak'") == ["fraud-detector/1"]
    assert refs(r"tags.note LIKE '50\%_off%'") == ["fraud-detector/1"]
    assert refs(r"tags.note LIKE '5\_%'") == []


def test_not_like_and_not_ilike() -> None:
    assert refs("name NOT LIKE 'fraud%'") == ["base-encoder/1"]
    assert refs("name NOT ILIKE 'FRAUD%'") == ["base-encoder/1"]


def test_in_and_not_in() -> None:
    assert refs("stage IN ('production', 'staging')") == [
        "base-encoder/1",
        "fraud-detector/3",
        "fraud-detector/2",
    ]
    assert refs("stage NOT IN ('production', 'staging')") == ["fraud-detector/1", "fraud-scorer/1"]
    assert refs("stage in ('archived')") == ["fraud-detector/1"]


def test_tags_use_the_version_tag_else_the_model_tag() -> None:
    assert refs("tags.domain = 'payments'") == ["fraud-detector/3", "fraud-detector/2", "fraud-detector/1"]
    assert refs("tags.team = 'risk'") == ["fraud-detector/3", "fraud-detector/1"]
    assert refs("tags.team = 'fraud-ml'") == ["fraud-detector/2"]


def test_keys_may_be_quoted() -> None:
    assert refs("tags.`my key` = 'v'") == ["fraud-detector/2"]
    assert refs("metrics.`f1-score` > 0.5") == ["base-encoder/1"]
    assert refs('metrics."f1-score" > 0.5') == ["base-encoder/1"]
    assert refs("metrics.f1-score > 0.5") == ["base-encoder/1"]
    assert refs("tags.'x.y' = 'dotted'") == refs("tags.x.y = 'dotted'") == ["fraud-detector/2"]


def test_keys_are_case_sensitive_but_prefixes_are_not() -> None:
    assert refs("TAGS.domain = 'nlp'") == ["base-encoder/1"]
    assert refs("tags.DOMAIN = 'nlp'") == []
    assert refs("tag.domain = 'nlp' AND metric.f1 > 0 AND Name = 'base-encoder'") == ["base-encoder/1"]
    assert refs("attributes.name = 'base-encoder'") == ["base-encoder/1"]


def test_params_compare_as_numbers_when_both_sides_are_numeric() -> None:
    assert refs("params.lr < 0.005") == ["fraud-detector/2"]  # stored as the string "0.001"
    assert refs("params.layers > 10") == ["fraud-detector/1"]  # "12" > 10, though "12" < "9" as text
    assert refs("params.optimizer > 1") == []


def test_params_compare_as_text_when_the_literal_is_a_string() -> None:
    assert refs("params.lr = '0.01'") == ["fraud-detector/1"]
    assert refs("params.layers < '9'") == ["fraud-detector/1"]  # "12" < "9" as text
    assert refs("params.early_stop = 'true'") == ["fraud-detector/2"]
    assert refs("params.optimizer LIKE '%d%'") == ["fraud-detector/2", "fraud-detector/1"]
    assert refs("params.optimizer IN ('adam', 'rmsprop')") == ["fraud-detector/1"]
    assert refs("params.lr IN (0.001, 'x')") == ["fraud-detector/2"]


def test_alias_holds_for_versions_carrying_it() -> None:
    assert refs("alias = 'champion'") == ["base-encoder/1", "fraud-detector/2"]
    assert refs("alias != 'champion'") == ["fraud-detector/3", "fraud-detector/1", "fraud-scorer/1"]
    assert refs("alias LIKE 'ch%'") == ["base-encoder/1", "fraud-detector/3", "fraud-detector/2"]
    assert refs("alias IN ('challenger', 'shadow')") == ["fraud-detector/3"]
    assert refs("alias NOT IN ('champion', 'challenger')") == ["fraud-detector/1", "fraud-scorer/1"]
    assert refs("alias IS NULL") == ["fraud-detector/1", "fraud-scorer/1"]
    assert refs("alias IS NOT NULL AND name = 'fraud-detector'") == ["fraud-detector/3", "fraud-detector/2"]


def test_created_at_compares_with_dates_and_rfc3339_times() -> None:
    assert refs("created_at >= '2026-02-01'") == ["fraud-detector/3", "fraud-detector/2"]
    assert refs("created_at = '2026-02-01T09:30:00Z'") == ["fraud-detector/2"]
    assert refs("created_at = '2026-02-01T10:30:00+01:00'") == ["fraud-detector/2"]
    assert refs("created_at = '2026-02-01 09:30:00'") == ["fraud-detector/2"]  # naive means UTC
    assert refs("created_at < '2026-01-02T00:00:00.000Z'") == [
        "base-encoder/1",
        "fraud-detector/1",
        "fraud-scorer/1",
    ]


def test_run_id_created_by_and_description() -> None:
    assert refs("run_id = 'run-2'") == ["fraud-detector/2"]
    assert refs("created_by LIKE 'bob@%'") == ["fraud-detector/3"]
    assert refs("description = ''") == ["fraud-detector/3", "fraud-detector/1", "fraud-scorer/1"]


@pytest.mark.parametrize(
    "literal",
    ["""'it''s "ok"'""", '''"it's ""ok"""''', r"""'it\'s "ok"'""", r'''"it's \"ok\""'''],
)
def test_strings_take_either_quote_doubled_or_backslash_escaped(literal: str) -> None:
    assert refs(f"description = {literal}") == ["base-encoder/1"]


def test_keywords_are_case_insensitive() -> None:
    assert refs("name like 'fraud%' and not stage = 'archived' Or name ilike 'BASE%'") == [
        "base-encoder/1",
        "fraud-detector/3",
        "fraud-detector/2",
        "fraud-scorer/1",
    ]


def test_or_binds_looser_than_and() -> None:
    assert refs("stage = 'production' OR stage = 'staging' AND name = 'base-encoder'") == [
        "base-encoder/1",
        "fraud-detector/2",
    ]
    assert refs("(stage = 'production' OR stage = 'staging') AND name = 'fraud-detector'") == [
        "fraud-detector/3",
        "fraud-detector/2",
    ]


def test_not_binds_tighter_than_and() -> None:
    assert refs("NOT stage = 'production' AND name = 'fraud-detector'") == [
        "fraud-detector/3",
        "fraud-detector/1",
    ]
    assert refs("NOT (stage = 'production' AND name = 'fraud-detector')") == [
        r for r in ALL if r != "fraud-detector/2"
    ]
    assert refs("NOT NOT name = 'fraud-scorer'") == ["fraud-scorer/1"]


def test_parse_builds_the_tree_by_precedence() -> None:
    a = Condition(Attribute("name"), "=", "a")
    b = Condition(Attribute("metrics", "f1"), ">", 0.5)
    c = Condition(Attribute("tags", "t"), "IS NULL")
    assert parse("name = 'a' OR NOT metrics.f1 > 0.5 AND tags.t IS NULL") == Or(a, And(Not(b), c))
    assert parse("(name = 'a' OR metrics.f1 > .5) AND tags.t is null") == And(Or(a, b), c)
    assert parse("name = 'a' AND metrics.f1 > 5e-1 AND tags.t IS NULL") == And(And(a, b), c)


def test_filter_matches_one_version() -> None:
    rm = MODELS["fraud-detector"]
    flt = parse("alias = 'champion' AND metrics.f1 > 0.9")
    assert [n for n, v in rm.versions.items() if flt.matches(rm, v)] == [2]


# -- errors -----------------------------------------------------------------------


def test_error_points_at_bad_token() -> None:
    err = error("name = 'x' AND stage = 'a' AMD y")
    assert err.position == 27
    assert str(err) == textwrap.dedent(
        """\
        unexpected token 'AMD' at column 28 (expected AND, OR or end of filter)
          name = 'x' AND stage = 'a' AMD y
                                     ^"""
    )


def test_search_error_is_a_usage_error() -> None:
    err = error("foo = 1")
    assert isinstance(err, UsageError)
    assert isinstance(err, RegistryError)
    assert err.exit_code == 2


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("foo = 1", 0, "unknown attribute 'foo' at column 1 (expected name, stage"),
        ("name.x = 'a'", 0, "unknown attribute 'name.x'"),
        ("tags = 'a'", 0, "'tags' needs a key"),
        ("tags. = 'a'", 5, "expected a key after 'tags.' at column 6"),
        ("name > 3", 7, "number 3 cannot be compared with name at column 8 (name takes a quoted string)"),
        ("metrics.f1 = '0.9'", 13, "string '0.9' cannot be compared with metrics.f1"),
        ("metrics.f1 LIKE 'x'", 11, "LIKE does not apply to metrics.f1 at column 12"),
        ("metrics.f1 NOT ILIKE 'x'", 15, "ILIKE does not apply to metrics.f1"),
        ("alias < 'a'", 6, "< does not apply to alias"),
        ("name IS NULL", 5, "IS NULL does not apply to name"),
        ("created_at IN ('2026-01-01')", 11, "IN does not apply to created_at"),
        ("created_at > 'yesterday'", 13, "not a date or time: 'yesterday'"),
        ("created_at > 2026", 13, "number 2026 cannot be compared with created_at"),
        ("name = 'abc", 7, "unterminated string starting at column 8 (close it with ')"),
        ("tags.`my key = 1", 5, "unterminated string starting at column 6 (close it with `)"),
        ("()", 1, "empty parentheses at column 2"),
        ("(name = 'a'", 0, "'(' is never closed at column 1"),
        ("(name = 'a' name", 12, "unexpected token 'name' at column 13 (expected AND, OR or ')')"),
        ("name = 'a')", 10, "unexpected token ')' at column 11 (expected AND, OR or end of filter)"),
        ("name = 'a' AND", 14, "unexpected end of filter at column 15 (expected a condition"),
        ("AND name = 'a'", 0, "unexpected token 'AND' at column 1"),
        ("'a' = name", 0, "unexpected string 'a' at column 1"),
        ("name = ", 7, "unexpected end of filter at column 8 (expected a value for name)"),
        ("name 'a'", 5, "unexpected string 'a' at column 6 (expected an operator"),
        ("name NOT = 'a'", 9, "(expected IN, LIKE or ILIKE after NOT)"),
        ("name LIKE fraud", 10, "expected a quoted pattern after LIKE"),
        ("name IN 'a'", 8, "expected '(' after IN"),
        ("name IN ()", 9, "empty IN list at column 10"),
        ("name IN ('a',)", 13, "unexpected token ')' at column 14 (expected a value for name)"),
        ("name IN ('a' 'b')", 13, "expected ',' or ')'"),
        ("metrics.auc IS 'x'", 15, "expected NULL or NOT NULL after IS"),
        ("metrics.f1 > 1.2.3", 16, "unexpected number .3"),
        ("metrics.f1 > 12abc", 13, "malformed number at column 14"),
        ("name = 'a' ; drop", 11, "unexpected character ';' at column 12"),
    ],
)
def test_malformed_filters_raise_pointed_errors(text: str, position: int, message: str) -> None:
    err = error(text)
    assert err.position == position
    assert message in err.message
    rendered = str(err).splitlines()
    assert rendered[1] == "  " + text
    assert rendered[2] == " " * (2 + position) + "^"


def test_error_in_a_multiline_filter_names_line_and_column() -> None:
    err = error("name = 'a'\n  AND stage = 3")
    assert err.message.startswith("number 3 cannot be compared with stage at line 2, column 15")
    assert str(err).splitlines()[1:] == ["    AND stage = 3", " " * 16 + "^"]


def test_search_reports_filter_errors() -> None:
    with pytest.raises(SearchError, match="unknown attribute 'foo'"):
        search(MODELS, "foo = 1")


# -- ordering and max_results -----------------------------------------------------


def test_parse_order_by_accepts_mlflow_forms() -> None:
    keys = parse_order_by(
        ["metrics.f1 DESC", "name ASC", "version", "created_at desc", "params.lr", "tags.`x y`"]
    )
    assert keys == [
        OrderKey(Attribute("metrics", "f1"), descending=True),
        OrderKey(Attribute("name")),
        OrderKey(Attribute("version")),
        OrderKey(Attribute("created_at"), descending=True),
        OrderKey(Attribute("params", "lr")),
        OrderKey(Attribute("tags", "x y")),
    ]
    assert [str(k) for k in keys[:1] + keys[-1:]] == ["metrics.f1 DESC", "tags.`x y` ASC"]
    assert parse_order_by(["stage, version_number DESC"]) == [
        OrderKey(Attribute("stage")),
        OrderKey(Attribute("version"), descending=True),
    ]


@pytest.mark.parametrize(
    ("item", "position", "message"),
    [
        ("alias", 0, "cannot order by alias"),
        ("foo DESC", 0, "unknown attribute 'foo'"),
        (
            "name SIDEWAYS",
            5,
            "unexpected token 'SIDEWAYS' at column 6 (expected ASC, DESC, ',' or end of clause)",
        ),
        ("", 0, "unexpected end of order_by clause at column 1"),
        ("name DESC,", 10, "unexpected end of order_by clause"),
    ],
)
def test_bad_order_by_raises_pointed_errors(item: str, position: int, message: str) -> None:
    with pytest.raises(SearchError) as info:
        parse_order_by([item])
    assert info.value.position == position
    assert message in info.value.message


def test_order_by_metric_desc_puts_missing_values_last() -> None:
    assert refs(order_by=["metrics.f1 DESC"]) == [
        "fraud-detector/2",
        "base-encoder/1",
        "fraud-detector/1",
        "fraud-detector/3",
        "fraud-scorer/1",
    ]


def test_order_by_asc_also_puts_missing_values_last() -> None:
    assert refs(order_by=["metrics.f1"]) == [
        "fraud-detector/1",
        "base-encoder/1",
        "fraud-detector/2",
        "fraud-detector/3",
        "fraud-scorer/1",
    ]


def test_order_by_keys_chain_then_fall_back_to_name_and_version() -> None:
    assert refs(order_by=["stage DESC"]) == [
        "fraud-detector/3",
        "base-encoder/1",
        "fraud-detector/2",
        "fraud-scorer/1",
        "fraud-detector/1",
    ]
    assert refs(order_by=["stage", "name DESC"]) == [
        "fraud-detector/1",
        "fraud-scorer/1",
        "fraud-detector/2",
        "base-encoder/1",
        "fraud-detector/3",
    ]


def test_order_by_created_at_and_version() -> None:
    assert refs("name = 'fraud-detector'", ["created_at"]) == [
        "fraud-detector/1",
        "fraud-detector/2",
        "fraud-detector/3",
    ]
    assert refs(order_by=["version", "name DESC"])[:2] == ["fraud-scorer/1", "fraud-detector/1"]


def test_order_by_params_sorts_numbers_numerically_before_text() -> None:
    assert refs("params.layers IS NOT NULL", ["params.layers"]) == ["fraud-detector/2", "fraud-detector/1"]
    assert refs(order_by=["params.optimizer DESC"])[:2] == ["fraud-detector/2", "fraud-detector/1"]


def test_order_by_tags_uses_model_tags_too() -> None:
    assert refs(order_by=["tags.domain"]) == [
        "base-encoder/1",
        "fraud-detector/3",
        "fraud-detector/2",
        "fraud-detector/1",
        "fraud-scorer/1",
    ]


def test_max_results_truncates_after_ordering() -> None:
    assert refs(order_by=["metrics.f1 DESC"], max_results=2) == ["fraud-detector/2", "base-encoder/1"]
    assert refs(max_results=100) == ALL
    assert refs("name = 'nothing'", max_results=1) == []


@pytest.mark.parametrize("bad", [0, -1])
def test_max_results_must_be_at_least_one(bad: int) -> None:
    with pytest.raises(SearchError, match=f"max_results must be at least 1, not {bad}"):
        search(MODELS, max_results=bad)


def test_results_are_pairs_of_model_and_version() -> None:
    [(rm, v)] = search(MODELS, "alias = 'challenger'")
    assert rm is MODELS["fraud-detector"]
    assert (v.number, rm.aliases_of(v.number)) == (3, ["challenger"])
    assert v.created_at == datetime(2026, 3, 1, tzinfo=UTC)


# -- LIKE is matched without backtracking ----------------------------------------

import re as _re  # noqa: E402

from hypothesis import given, strategies as st  # noqa: E402

from registry.search import _Like  # noqa: E402


def _reference(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else _re.escape(c) for c in pattern)
    return _re.fullmatch(regex, value, _re.S) is not None


@given(st.text(alphabet="ab%_", max_size=8), st.text(alphabet="ab", max_size=10))
def test_like_agrees_with_a_backtracking_regex(pattern: str, value: str) -> None:
    assert _Like(pattern, ignore_case=False).matches(value) == _reference(pattern, value)


def test_like_does_not_backtrack_on_many_wildcards() -> None:
    # A regex with a .* per % would take hours here; the bound only catches a hang.
    import time

    like = _Like("%a" * 12 + "%b", ignore_case=False)
    start = time.perf_counter()
    assert not like.matches("a" * 60_000)
    assert time.perf_counter() - start < 10


# -- models ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["base-encoder", "fraud-detector", "fraud-scorer"]),
        ("name LIKE 'fraud-%'", ["fraud-detector", "fraud-scorer"]),
        ("name ILIKE '%ENCODER%'", ["base-encoder"]),
        ("tags.domain = 'payments'", ["fraud-detector"]),
        ("tags.team = 'fraud-ml'", []),  # a version's tag is not the model's
        ("tags.domain != 'nlp'", ["fraud-detector"]),  # no tag: no match, as for versions
        ("alias = 'challenger' OR name = 'fraud-scorer'", ["fraud-detector", "fraud-scorer"]),
        ("alias IS NULL", ["fraud-scorer"]),
    ],
)
def test_a_search_of_models_matches_their_own_name_tags_and_aliases(text: str, expected: list[str]) -> None:
    assert [rm.name for rm in search_models(MODELS, text)] == expected


@pytest.mark.parametrize("text", ["metrics.f1 > 0.9", "stage = 'production'", "name = 'x' AND version = 2"])
def test_a_search_of_models_refuses_attributes_of_versions(text: str) -> None:
    with pytest.raises(SearchError, match="an attribute of versions"):
        search_models(MODELS, text)


def test_a_search_of_models_leaves_deleted_models_out() -> None:
    gone = make_model(
        "gone", {}, deleted={"at": "2026-01-01T00:00:00Z", "by": "a@example.com", "reason": "x"}
    )
    assert [rm.name for rm in search_models({**MODELS, "gone": gone}, "name = 'gone'")] == []
