"""Value domains: what ``check`` accepts, every view can show.

Numbers are finite doubles or integers within 2**53 - 1, and record times
lie in the years 1970..9998 (UTC); ``registry.limits`` defines them, the
loader enforces them with a line, and views are total over the rest.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from registry import lineage
from registry.commands import compare, listing, search, show
from registry.load import load
from registry.problems import Problem
from tests.builder import RegistryBuilder, cli

V3 = "models/fraud-detector/versions/3.yaml"


def _strict(text: str) -> Any:
    """JSON as RFC 8259 has it: NaN and Infinity are not numbers."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _problems_in(problems: list[Problem], path: str) -> list[tuple[str, int | None]]:
    return [(p.rule, p.line) for p in problems if p.path == path]


@pytest.mark.parametrize(
    "literal",
    [
        "1e309",
        "-1e309",
        "!!float nan",
        "!!float inf",
        ".nan",
        "-.inf",
        "9" * 400,
        "9" * 4301,
        str(2**53),
        str(-(2**53)),
        "!!int 0x20000000000000",
    ],
)
def test_a_number_outside_the_domain_is_refused_at_its_line(reg: RegistryBuilder, literal: str) -> None:
    reg.edit(V3, "f1: 0.95", f"f1: {literal}")
    problems = reg.check()
    assert _problems_in(problems, V3) == [("number-range", 6)]
    message = next(p.message for p in problems if p.path == V3)
    assert len(message) < 300 and ("finite" in message or "out of range" in message)


@pytest.mark.parametrize("literal", [str(2**53 - 1), str(-(2**53 - 1)), "1.7976931348623157e308", "5e-324"])
def test_numbers_at_the_edge_of_the_domain_pass(reg: RegistryBuilder, literal: str) -> None:
    reg.edit(V3, "f1: 0.95", f"f1: {literal}")
    assert _problems_in(reg.check(), V3) == []


@pytest.mark.parametrize(
    "created_at",
    [
        "9999-12-31T23:59:59-05:00",
        "0001-01-01T00:00:00+05:00",
        "1969-12-31T23:59:59Z",
        "9998-12-31T23:00:00-05:00",
    ],
)
def test_a_time_outside_the_range_is_refused_at_its_line(reg: RegistryBuilder, created_at: str) -> None:
    reg.edit(V3, "created_at: '2026-01-03T10:00:00Z'", f"created_at: {created_at}")
    assert _problems_in(reg.check(), V3) == [("time-range", 1)]


@pytest.mark.parametrize(
    "created_at", ["1970-01-01T00:00:00Z", "9998-12-31T23:59:59Z", "1970-01-01T05:00:00+05:00"]
)
def test_times_at_the_edge_of_the_range_pass(reg: RegistryBuilder, created_at: str) -> None:
    reg.edit(V3, "created_at: '2026-01-03T10:00:00Z'", f"created_at: {created_at}")
    assert _problems_in(reg.check(), V3) == []


def test_reads_survive_an_integer_too_long_to_convert(reg: RegistryBuilder) -> None:
    """4,301 digits is past Python's int-to-string limit: the record is refused, the rest is read."""
    reg.edit(V3, "f1: 0.95", "f1: " + "9" * 4301)
    checked = cli(reg.root, "check")
    assert checked.returncode == 1 and f"{V3}:6: number-range:" in checked.stdout, checked.stderr
    for args in (
        ["list"],
        ["show", "fraud-detector"],
        ["show", "fraud-detector/2", "--json"],
        ["search", "metrics.f1 > 0"],
    ):
        proc = cli(reg.root, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert "internal error" not in proc.stderr


def test_extreme_metrics_compare_and_chart_without_overflow(reg: RegistryBuilder) -> None:
    """The largest doubles are in the domain; their difference is not a double."""
    from registry.site.render import SiteData, build

    reg.edit("models/fraud-detector/versions/2.yaml", "f1: 0.95", "f1: 1.7976931348623157e308")
    reg.edit(V3, "f1: 0.95", "f1: -1.7976931348623157e308")
    assert reg.check() == []
    proc = cli(reg.root, "compare", "fraud-detector", "2", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    assert _strict(proc.stdout)["metrics"][0]["delta"] is None
    loaded = load(reg.root)
    page = build(SiteData(loaded, [], lineage.build(loaded.models)))["models/fraud-detector/index.md"]
    assert isinstance(page, str) and 'class="registry-trend"' in page and "nan" not in page


# -- every view is total over what check accepts -------------------------------------------

_EDGES = [
    "1e309",
    "-1e309",
    "!!float nan",
    "!!float inf",
    ".nan",
    ".inf",
    "1e308",
    "-1.7976931348623157e308",
    "5e-324",
    "9" * 400,
    "9" * 4301,
    str(2**53 - 1),
    str(-(2**53 - 1)),
    str(2**63),
    "0x1F",
    "0o17",
    "!!int 0x20000000000000",
    "-0",
    "+1",
    "1_000",
    "true",
    "null",
]
numbers = st.one_of(
    st.sampled_from(_EDGES),
    st.integers().map(str),
    st.floats().map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f"{f:e}"),
)
texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["\x1b]52;c;aGk=\x07", "\x00\r\u202eevil", "\x9b31m", "<script>x</script>", "[a](b"]),
)


def _offset(minutes: int | None) -> str:
    if minutes is None:
        return "Z"
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


times = st.one_of(
    st.sampled_from(
        [
            "9999-12-31T23:59:59-05:00",
            "0001-01-01T00:00:00+05:00",
            "1970-01-01T00:00:00Z",
            "9998-12-31T23:59:59Z",
        ]
    ),
    st.builds(
        lambda when, frac, minutes: when.isoformat(timespec="seconds") + frac + _offset(minutes),
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
        st.sampled_from(["", ".5", ".123456", ".123456789"]),
        st.none() | st.integers(-(23 * 60 + 59), 23 * 60 + 59),
    ),
)


def _record(created_at: str, metric: str, param: str, tag: str, description: str) -> str:
    return (
        f"created_at: {created_at}\n"
        "created_by: alice@example.com\n"
        "stage: staging\n"
        f"description: {json.dumps(description)}\n"
        f"tags: {{note: {json.dumps(tag)}}}\n"
        f"metrics:\n  f1: 0.95\n  m: {metric}\n"
        f"params:\n  p: {param}\n  q: {json.dumps(tag)}\n"
        "artifact:\n  path: artifacts/3/model.bin\n  md5: bbacd76d3e1659438a801ebac730af79\n  size: 16\n"
    )


_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _run(command: Any, *args: Any, **kwargs: Any) -> str:
    """A command's own function, its output captured (click writes to sys.stdout);
    human output carries no character a terminal would act on."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert command(*args, **kwargs) == 0
    text = out.getvalue()
    assert kwargs.get("as_json") or not _RAW.search(text), repr(text)
    return text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    created_at=times,
    metric=numbers,
    param=st.one_of(numbers, texts.map(json.dumps)),
    tag=texts,
    description=texts,
)
def test_every_view_is_total_over_what_check_accepts(
    reg: RegistryBuilder, created_at: str, metric: str, param: str, tag: str, description: str
) -> None:
    from registry.check import check
    from registry.site.render import SiteData, build

    reg.write(V3, _record(created_at, metric, param, tag, description))
    if any(p.path == V3 for p in check(reg.root)):
        return  # refused, with its problem: views never see it
    root: Path = reg.root
    shown = _strict(_run(show.run, root, "fraud-detector/3", rev=None, as_json=True))
    assert shown["created_at"].endswith("Z") and shown["metrics"]["m"] is not None
    _strict(_run(show.run, root, "fraud-detector", rev=None, as_json=True))
    _run(show.run, root, "fraud-detector/3", rev=None, as_json=False)
    _run(show.run, root, "fraud-detector", rev=None, as_json=False)
    _strict(_run(listing.run, root, rev=None, as_json=True))
    _run(listing.run, root, rev=None, as_json=False)
    for as_json in (True, False):
        found = _run(
            search.run,
            root,
            "metrics.m > 0 OR params.p = 'x' OR created_at >= '2000-01-01'",
            order_by=["metrics.m DESC", "params.p", "created_at"],
            max_results=None,
            rev=None,
            as_json=as_json,
        )
        if as_json:
            _strict(found)
        text = _run(compare.run, root, "fraud-detector", "2", "3", rev=None, as_json=as_json)
        if as_json:
            _strict(text)
    reg_loaded = load(root)
    pages = build(SiteData(reg_loaded, [], lineage.build(reg_loaded.models)))
    for path, content in pages.items():
        if path.endswith(".json"):
            assert isinstance(content, str)
            _strict(content)
    assert "models/fraud-detector/index.md" in pages
