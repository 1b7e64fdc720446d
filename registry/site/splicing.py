"""Keeping a page's HTML away from Markdown and, where it says so, from the
search index: ``splice`` takes it out before MkDocs reads the page,
``unsplice`` puts it back, ``by_search`` says which part goes back when."""

from __future__ import annotations

import re
from collections.abc import Mapping

SPLICE = "<!--registry-splice:{}-->"


def splice(text: str) -> tuple[str, list[str]]:
    """Move a page's HTML out of its Markdown: what is left is the front
    matter, the headings (so the table of contents and anchors are MkDocs'
    own) and a comment where each run of HTML was. The plugin puts the HTML
    back after Markdown has run, so Markdown never parses it: on a registry
    of 20,000 versions that is most of a build's time."""
    front, body = "", text
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            front, body = text[: end + 5], text[end + 5 :]
    lines: list[str] = []
    segments: list[str] = []
    run: list[str] = []

    def flush() -> None:
        chunk = "\n".join(run).strip("\n")
        if chunk.strip():
            lines.extend(["", SPLICE.format(len(segments)), ""])
            segments.append(chunk)
        run.clear()

    for line in body.split("\n"):
        if line.startswith("#"):
            flush()
            lines.append(line)
        else:
            run.append(line)
    flush()
    return front + "\n".join(lines) + "\n", segments


def unsplice(html: str, segments: Mapping[int, str]) -> str:
    """Put the HTML that ``splice`` took out back in its place."""
    for i, segment in segments.items():
        html = html.replace(SPLICE.format(i), segment, 1)
    return html


_UNSEARCHED = re.compile(r"\s*<[A-Za-z][^>]*\sdata-search-exclude[\s=>]")


def by_search(segments: list[str]) -> tuple[dict[int, str], dict[int, str]]:
    """Segments for the search index, and those that go in after it was made.

    A segment whose first element is marked ``data-search-exclude`` (Material's
    own marker) is left out of the page until the search plugin has read it:
    the indexer parses every tag of what it reads, and on a registry of 20,000
    versions the version sections were most of a build's time."""
    searched: dict[int, str] = {}
    unsearched: dict[int, str] = {}
    for i, segment in enumerate(segments):
        (unsearched if _UNSEARCHED.match(segment) else searched)[i] = segment
    return searched, unsearched
