"""Search model versions with MLflow's filter grammar, plus OR, NOT, parentheses and aliases.

A filter is conditions joined by ``AND``, ``OR`` and ``NOT`` (binding NOT > AND > OR),
grouped with parentheses; keywords are case-insensitive, values are not::

    name LIKE 'fraud-%' AND (tags.domain = 'payments' OR alias = 'champion') AND metrics.f1 > 0.9

Attributes: ``name``, ``stage``, ``alias``, ``version`` (or ``version_number``), ``semver``, ``created_at``,
``description``, ``created_by``, ``run_id`` (``lineage.run.id``), ``tags.<key>``,
``metrics.<key>`` and ``params.<key>``; a key with other characters is quoted:
``tags.`my key```, ``params."x.y"``. Decisions beyond MLflow:

- ``tags.<key>`` is the version's tag, else the model's tag of that key (version tags override).
- A missing value (tag, metric, param, run id) fails every comparison, ``!=`` and ``NOT IN``
  included, as in SQL; ``IS NULL`` finds it. ``NOT`` simply negates, so ``NOT tags.t = 'x'``
  matches versions without the tag.
- ``alias`` is the set of aliases on the version: ``=``, ``LIKE`` and ``IN`` hold when one alias
  does, ``!=`` and ``NOT IN`` when none does; ``IS NULL`` means no alias.
- ``params.<key>`` compares as a number when the literal is a number and the value is numeric
  (a number, or a string that reads as one), else as text (booleans read ``true``/``false``).
- ``created_at`` compares with a quoted date or RFC 3339 time; naive times are UTC.
- ``semver`` (a semver model's ``MAJOR.MINOR.PATCH``) takes ``=``, ``LIKE`` (``'1.%'``),
  ``IN`` and ``IS NULL``, not ``<``: as text, 1.10.0 would sort before 1.9.0. Ordering by it
  orders as versions.
- ``LIKE``/``ILIKE`` match the whole value; ``%`` is any run, ``_`` one character and ``\\``
  escapes the next one.

Rooms: ``attributes``, ``tokens``, ``filters`` and ``parser``; ordering and
searching are here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from registry.errors import SearchError as SearchError
from registry.records import RegisteredModel
from registry.search.attributes import (
    _BUILTINS as _BUILTINS,
    _FAMILIES as _FAMILIES,
    _FAMILY_OPS as _FAMILY_OPS,
    _KEYED as _KEYED,
    _NULLABLE as _NULLABLE,
    _PLAIN_KEY as _PLAIN_KEY,
    _SYNONYMS as _SYNONYMS,
    MODEL_ATTRIBUTES as MODEL_ATTRIBUTES,
    Actual as Actual,
    Attribute as Attribute,
    Getter as Getter,
    Hit as Hit,
    Literal as Literal,
    _where as _where,
)
from registry.search.filters import (
    _COMPARE as _COMPARE,
    _NEGATED as _NEGATED,
    And as And,
    Condition as Condition,
    Filter as Filter,
    Not as Not,
    Or as Or,
    _Like as _Like,
    _like as _like,
    _number as _number,
    _test as _test,
    _text as _text,
)
from registry.search.parser import (
    _ATTRIBUTES as _ATTRIBUTES,
    _is_punct as _is_punct,
    _is_word as _is_word,
    _Parser as _Parser,
    parse as parse,
)
from registry.search.tokens import (
    _ESCAPES as _ESCAPES,
    _KEYWORDS as _KEYWORDS,
    _NUMBER as _NUMBER,
    _OPERATORS as _OPERATORS,
    _WORD as _WORD,
    Token as Token,
    _read_string as _read_string,
    _skip_space as _skip_space,
    _tokenize as _tokenize,
)


@dataclass(frozen=True)
class OrderKey:
    attr: Attribute
    descending: bool = False

    def __str__(self) -> str:
        return f"{self.attr} {'DESC' if self.descending else 'ASC'}"


DEFAULT_ORDER = (OrderKey(Attribute("name")), OrderKey(Attribute("version"), descending=True))


def parse_order_by(items: Sequence[str]) -> list[OrderKey]:
    """MLflow's order_by clauses (``"metrics.f1 DESC"``, ``"name"``); one item may hold several."""
    keys: list[OrderKey] = []
    for item in items:
        parser = _Parser(item, "order_by clause")
        while True:
            tok = parser.take()
            attr = parser.attribute(tok, "an attribute such as name, version or metrics.<key>")
            if attr.kind == "aliases":
                raise parser.error("cannot order by alias", tok, "a version may carry several")
            descending = _is_word(parser.peek(), "asc", "desc") and parser.take().value == "desc"
            keys.append(OrderKey(attr, descending))
            sep = parser.take()
            if sep.kind == "end":
                break
            if not _is_punct(sep, ","):
                raise parser.unexpected(sep, "ASC, DESC, ',' or end of clause")
    return keys


def search(
    models: Mapping[str, RegisteredModel],
    filter_text: str = "",
    order_by: Sequence[str] = (),
    max_results: int | None = None,
    stages: Sequence[str] | None = None,
) -> list[Hit]:
    """Versions matching ``filter_text``, ordered by ``order_by`` then name ASC, version DESC.

    A stage is matched in any letter case; given the registry's ``stages``,
    a filter that names another is a SearchError that lists them.
    A missing value (a metric the version lacks) sorts last whichever the direction.
    Deleted versions (tombstones) are not found, as MLflow's search does not find them.
    """
    if max_results is not None and max_results < 1:
        raise SearchError(f"max_results must be at least 1, not {max_results}")
    flt = parse(filter_text, stages)
    keys = [*parse_order_by(order_by), *DEFAULT_ORDER]
    hits = [
        (rm, v)
        for rm in models.values()
        for v in rm.versions.values()
        if not v.is_deleted and flt.matches(rm, v)
    ]
    for key in reversed(keys):  # stable sorts, least significant key first
        valued = [(key.attr.get(*hit), hit) for hit in hits]
        present = [pair for pair in valued if pair[0] is not None]
        present.sort(key=lambda pair: _sort_key(key.attr.kind, pair[0]), reverse=key.descending)
        hits = [hit for _, hit in present] + [hit for value, hit in valued if value is None]
    return hits[:max_results]


def search_models(models: Mapping[str, RegisteredModel], filter_text: str = "") -> list[RegisteredModel]:
    """The models matching ``filter_text`` over their own attributes (``name``,
    ``tags.<key>`` (the model's tags) and ``alias``), in name order: MLflow's
    ``search_registered_models``. Deleted models are not found.

    Raises SearchError for a malformed filter, or one that names an
    attribute of versions (``metrics.f1``, ``stage``...)."""
    flt = parse(filter_text)
    for attr in flt.attributes():
        if attr.name not in MODEL_ATTRIBUTES:
            raise SearchError(
                f"{attr} is an attribute of versions; a search of models takes name, tags.<key> and alias"
            )
    return [rm for _, rm in sorted(models.items()) if rm.model.deleted is None and flt.matches_model(rm)]


def _sort_key(kind: str, value: Actual) -> tuple[int, float, str]:
    if isinstance(value, datetime):
        return (0, value.timestamp(), "")
    if kind == "semver" and isinstance(value, str):  # 1.10.0 after 1.9.0
        return (1, 0.0, ".".join(part.zfill(9) for part in value.split(".")))
    number = _number(value) if kind in ("number", "param") else None
    return (0, number, "") if number is not None else (1, 0.0, _text(value))
