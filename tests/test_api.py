"""The Python API: every public method of Registry documents itself and takes
exactly the arguments of the function it calls, so the two cannot drift."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from registry import Registry, pull, write

CALLS: dict[str, Callable[..., Any]] = {
    "register": write.register,
    "copy": write.copy,
    "create_model": write.create_model,
    "delete": write.delete,
    "restore": write.restore,
    "promote": write.promote,
    "archive": write.archive,
    "rollback": write.rollback,
    "set_alias": write.set_alias,
    "delete_alias": write.delete_alias,
    "set_traffic": write.set_traffic,
    "clear_traffic": write.clear_traffic,
    "set_tag": write.set_tag,
    "delete_tag": write.delete_tag,
    "describe": write.describe,
    "rename": write.rename,
    "pull": pull.pull,
}
"""Each method that hands its arguments on, and the function it hands them to (whose first is the root)."""

PUBLIC = sorted(name for name in vars(Registry) if not name.startswith("_"))


def _function(name: str) -> Callable[..., Any]:
    member = inspect.getattr_static(Registry, name)
    return member.fget if isinstance(member, property) else member


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_method_has_a_docstring_and_no_catch_all_arguments(name: str) -> None:
    func = _function(name)
    assert inspect.getdoc(func), f"Registry.{name} has no docstring"
    kinds = {p.kind for p in inspect.signature(func).parameters.values()}
    assert inspect.Parameter.VAR_KEYWORD not in kinds, f"Registry.{name} takes **kwargs"
    assert inspect.Parameter.VAR_POSITIONAL not in kinds, f"Registry.{name} takes *args"


@pytest.mark.parametrize(
    "name", [n for n in PUBLIC if not isinstance(inspect.getattr_static(Registry, n), property)]
)
def test_every_method_documents_each_argument_what_it_returns_and_raises(name: str) -> None:
    doc = inspect.getdoc(getattr(Registry, name)) or ""
    args = [p for p in inspect.signature(getattr(Registry, name)).parameters if p != "self"]
    for arg in args:
        assert f"{arg}:" in doc, f"Registry.{name} does not document {arg!r}"
    assert "Returns:" in doc and "Raises:" in doc, f"Registry.{name}: say what it returns and raises"


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_method_takes_the_arguments_of_the_function_it_calls(name: str) -> None:
    mine = list(inspect.signature(getattr(Registry, name)).parameters.values())[1:]  # less self
    theirs = list(inspect.signature(CALLS[name]).parameters.values())[1:]  # less root
    assert mine == theirs, f"Registry.{name} and {CALLS[name].__module__}.{name} differ"


def test_every_write_function_has_a_method() -> None:
    functions = {name for name in write.__all__ if callable(getattr(write, name)) and name[0].islower()}
    assert functions <= set(CALLS), sorted(functions - set(CALLS))
