"""A/B traffic splits over a model's aliases: which variant a request gets.

A model's ``traffic`` (``{champion: 90, challenger: 10}``) splits its
requests between aliases. A request key (a user id, a session id) is
hashed to a bucket 0..99 that depends on the model's name and the key
only; the aliases, in name order, take consecutive ranges of buckets as
wide as their shares. So the same key always gets the same variant while
the split is unchanged, and when shares change, only the keys whose
buckets change hands move. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from registry.errors import NotFound
from registry.records import RegisteredModel

BUCKETS = 100


@dataclass(frozen=True)
class Route:
    """The variant a request key is routed to."""

    model: str
    alias: str
    version: int
    share: int
    """The alias's percent of the split."""
    bucket: int
    """The key's bucket, 0..99."""

    def __str__(self) -> str:
        return f"@{self.alias} v{self.version} ({self.share}%, bucket {self.bucket})"


def bucket(model: str, key: str) -> int:
    """The key's bucket, 0..99: the first 8 bytes of SHA-256 of
    ``model NUL key`` (UTF-8), big-endian, modulo 100."""
    digest = hashlib.sha256(f"{model}\0{key}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def ranges(traffic: Mapping[str, int]) -> list[tuple[str, int, int]]:
    """(alias, first bucket, end bucket) of each alias, in name order."""
    out, start = [], 0
    for alias, share in sorted(traffic.items()):
        out.append((alias, start, start + share))
        start += share
    return out


def choose(traffic: Mapping[str, int], slot: int) -> str | None:
    """The alias whose range holds bucket ``slot`` (None past the shares' sum)."""
    for alias, start, end in ranges(traffic):
        if start <= slot < end:
            return alias
    return None


def route(rm: RegisteredModel, key: str) -> Route:
    """The variant of ``rm`` that request ``key`` gets.

    Raises:
        NotFound: the model has no traffic split, or its split does not
            give this key's bucket to an alias that points at a version
            (a split ``registry check`` refuses).
    """
    traffic = rm.model.traffic
    if not traffic:
        raise NotFound(f"{rm.name} has no traffic split (set one with `registry traffic set {rm.name} ...`)")
    slot = bucket(rm.name, key)
    alias = choose(traffic, slot)
    number = rm.model.aliases.get(alias) if alias is not None else None
    if alias is None or number is None:
        raise NotFound(
            f"{rm.name}'s traffic split ({shares_text(traffic)}) gives bucket {slot} to no alias "
            "that points at a version; run `registry check`"
        )
    return Route(rm.name, alias, number, traffic[alias], slot)


def by_share(traffic: Mapping[str, int]) -> list[tuple[str, int]]:
    """(alias, percent), as people read a split: the largest share first, then by alias."""
    return sorted(traffic.items(), key=lambda kv: (-kv[1], kv[0]))


def shares_text(traffic: Mapping[str, int], prefix: str = "") -> str:
    """``champion 90%, challenger 10%`` (``prefix="@"``: ``@champion 90%, ...``)."""
    return ", ".join(f"{prefix}{alias} {share}%" for alias, share in by_share(traffic))


def split_view(rm: RegisteredModel) -> list[dict[str, object]]:
    """The split for programs: alias, version (None when the alias is
    missing) and share of each, in routing (alias) order."""
    return [{"alias": a, "version": n, "share": pct} for a, n, pct in rm.traffic_split()]
