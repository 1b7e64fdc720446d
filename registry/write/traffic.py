"""Traffic splits: set a model's A/B split over its aliases, or clear it.

The new split is held to the checker's traffic rules (``check.lifecycle.check_traffic``)
before anything is written, and the commit is checked whole as every change is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from registry.check.lifecycle import check_traffic
from registry.errors import UsageError
from registry.records import RegisteredModel
from registry.refs import ALIAS_RE
from registry.traffic import by_share, shares_text
from registry.write.commit import WriteRefused
from registry.write.edit import document, open_model, submit_edit, trailers
from registry.write.lock import locked


def _shares(shares: Mapping[str, int]) -> dict[str, int]:
    if not shares:
        raise UsageError("a traffic split needs at least one ALIAS=PERCENT (clear it with `traffic clear`)")
    out: dict[str, int] = {}
    for alias, share in shares.items():
        if not isinstance(alias, str) or not ALIAS_RE.match(alias):
            raise UsageError(f"{alias!r} is not a valid alias (lowercase letters, digits, _ and -)")
        if isinstance(share, bool) or not isinstance(share, int) or not 1 <= share <= 100:
            raise UsageError(f"the share of @{alias} must be a whole percent from 1 to 100, not {share!r}")
        out[alias] = share
    return out


def _trailer(traffic: Mapping[str, int]) -> str:
    """``champion=90 challenger=10``: the arguments of ``registry traffic set``."""
    return " ".join(f"{a}={pct}" for a, pct in by_share(traffic))


@locked
def set_traffic(
    root: Path | str,
    model: str,
    shares: Mapping[str, int],
    *,
    reason: str | None = None,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Make ``shares`` (alias -> percent) the model's traffic split: they sum
    to 100, each alias exists and is not archived, and the policy's cap holds."""
    root = Path(root)
    reg, rm = open_model(root, model)
    new = _shares(shares)
    old = dict(rm.model.traffic)
    if new == old:
        raise WriteRefused(f"{rm.name}'s traffic is {shares_text(old)} already")
    changed = RegisteredModel(dataclasses.replace(rm.model, traffic=new), rm.versions, rm.invalid)
    why = [p.message for p in check_traffic(changed, reg.config, reg.config.policy_for(rm.model))]
    if why:
        raise WriteRefused(f"traffic of {rm.name} not set: " + "; ".join(why))
    doc = document(root, rm.model.path)
    node = doc.mapping("traffic")
    for alias in [a for a in node if a not in new]:
        del node[alias]
    for alias in sorted(new):
        node[alias] = new[alias]
    subject = f"traffic {rm.name}: {shares_text(new)}" + (f" (was {shares_text(old)})" if old else "")
    return submit_edit(
        root,
        rm.name,
        rm.model.path,
        doc,
        subject,
        trailers("traffic", rm.name, traffic=_trailer(new), reason=reason),
        branch,
        push,
    )


@locked
def clear_traffic(
    root: Path | str,
    model: str,
    *,
    reason: str | None = None,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Remove the model's traffic split."""
    root = Path(root)
    _, rm = open_model(root, model)
    old = dict(rm.model.traffic)
    if not old:
        raise WriteRefused(f"{rm.name} has no traffic split to clear")
    doc = document(root, rm.model.path)
    del doc.data["traffic"]
    return submit_edit(
        root,
        rm.name,
        rm.model.path,
        doc,
        f"traffic {rm.name}: cleared (was {shares_text(old)})",
        trailers("traffic", rm.name, traffic="none", reason=reason),
        branch,
        push,
    )
