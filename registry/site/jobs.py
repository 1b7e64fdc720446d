"""Rendering many pages, half of them in a forked process when there are
many (``forked.both``), and what ``registry serve`` keeps between builds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.forked import both

PARALLEL_FROM = 200  # pages to render; below this one process is quicker

Job = tuple[str, str, dict[str, Any]]  # template, page, values


class PageMemo:
    """What a build leaves for the next one under ``registry serve`` (``render.build``)."""

    def __init__(self) -> None:
        self.kept: dict[str, tuple[bytes, str]] = {}
        """Files by path, with the key of what each was made from."""
        self.graph: tuple[bytes, dict[str, bytes]] | None = None
        """The whole lineage graph's key, and the key of each model's part of it."""
        self.env: tuple[Any, Any] | None = None
        """The template environment, and the overrides it was made for."""


def render_all(env: Any, jobs: Sequence[Job]) -> list[str]:
    """The text of each job's page, in order."""
    if len(jobs) < PARALLEL_FROM:
        return [_render_one(env, job) for job in jobs]
    half = len(jobs) // 2
    first, second = both(
        lambda: [_render_one(env, job) for job in jobs[:half]],
        lambda: [_render_one(env, job) for job in jobs[half:]],
    )
    return first + second


def _render_one(env: Any, job: Job) -> str:
    template, page, values = job
    text: str = env.get_template(template).render(page=page, **values)
    return text
