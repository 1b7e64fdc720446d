"""Rendering many pages: the ones seen before are taken from a memo, the rest
are rendered here or, when there are many, half of them in a forked process.

A page is a pure function of its template and its values, so its text is
remembered under a digest of both (and of every template's source): when
``registry serve`` rebuilds after an edit, only the pages whose values
changed are rendered again.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Sequence
from typing import Any

from registry.records import Version

PARALLEL_FROM = 200  # pages to render; below this one process is quicker

Job = tuple[str, str, dict[str, Any]]  # template, page, values


class PageMemo:
    """Rendered pages of the last build, by digest; kept by the caller between builds."""

    def __init__(self) -> None:
        self.pages: dict[bytes, str] = {}
        self.hits = 0
        self.kept: dict[str, tuple[bytes, str]] = {}
        self.graph: tuple[bytes, dict[str, bytes]] | None = None
        """The whole lineage graph's key, and the key of each model's part of it."""
        self.env: tuple[Any, Any] | None = None
        """The template environment, and the overrides folder it was made for."""
        """Files by path, with the key of what each was made from (``render.build``)."""


def render_all(env: Any, jobs: Sequence[Job], memo: PageMemo | None = None) -> list[str]:
    """The text of each job's page, in order."""
    keys: list[bytes | None] = [None] * len(jobs)
    texts: list[str | None] = [None] * len(jobs)
    if memo is not None:
        templates = templates_digest(env)
        for i, job in enumerate(jobs):
            key = _digest(templates, job)
            keys[i] = key
            if key is not None:
                texts[i] = memo.pages.get(key)
        memo.hits = sum(t is not None for t in texts)
    todo = [i for i, t in enumerate(texts) if t is None]
    for i, text in zip(todo, _render([jobs[i] for i in todo], env), strict=True):
        texts[i] = text
    done = [t for t in texts if t is not None]
    assert len(done) == len(jobs)
    if memo is not None:
        memo.pages = {k: t for k, t in zip(keys, done, strict=True) if k is not None}
    return done


def _version_value(v: Version) -> tuple[Any, ...]:
    return (tuple, (("version", v.model, v.number, v.stage, dict(v.raw)),))


_VALUES = {Version: _version_value}
"""How a page's values are pickled for their digest: a version (whose record
is read lazily, through a closure) stands as its number and record."""


def _digest(templates: bytes, job: Job) -> bytes | None:
    buffer = io.BytesIO()
    try:
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _VALUES  # type: ignore[assignment]
        pickler.dump(job)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None  # a value that cannot be pickled: render it every time
    return hashlib.blake2b(buffer.getvalue(), key=templates, digest_size=20).digest()


def templates_digest(env: Any) -> bytes:
    """Every template's source as the loader finds it now (overrides included)."""
    h = hashlib.blake2b(digest_size=32)
    for name in sorted(env.list_templates()):
        source, _filename, _uptodate = env.loader.get_source(env, name)
        h.update(name.encode() + b"\0" + source.encode() + b"\0")
    return h.digest()


def _render_one(env: Any, job: Job) -> str:
    template, page, values = job
    text: str = env.get_template(template).render(page=page, **values)
    return text


_SHARED: tuple[Any, Sequence[Job]] | None = None


def _render_share(part: tuple[int, int]) -> list[str]:
    assert _SHARED is not None
    env, jobs = _SHARED
    return [_render_one(env, job) for job in jobs[part[0] : part[1]]]


def _render(jobs: Sequence[Job], env: Any) -> list[str]:
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or os.environ.get("REGISTRY_NO_PARALLEL"):
        return [_render_one(env, job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _SHARED
    _SHARED = (env, jobs)  # inherited by the forked worker, not pickled
    half = len(jobs) // 2
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            second = pool.submit(_render_share, (half, len(jobs)))
            first = [_render_one(env, job) for job in jobs[:half]]  # meanwhile, here
            return first + second.result()
    except (OSError, ValueError, RuntimeError):  # no fork, no semaphores...: one process
        return [_render_one(env, job) for job in jobs]
    finally:
        _SHARED = None
