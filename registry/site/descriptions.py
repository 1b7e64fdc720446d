"""A record's description (Markdown by design) as sanitised HTML, with bounded work.

Python-Markdown spends time that grows with the square of some inputs (each
unclosed ``[`` or ``](`` scans to the end of its paragraph: 16,384 brackets
took 27 s), recurses once per level of nested lists (``1. 1. 1. ...`` ends in
a RecursionError), and spends ~0.1 ms a block and ~10 us a markup character. So before parsing, a linear
scan estimates the work; a description over budget is shown as escaped
plain text instead, which is as readable and costs nothing. The budget is a
count, not a clock, so the same description always gives the same page.

After rendering, nh3 keeps formatting and drops scripts, event handlers and
``javascript:`` links. An image from outside the site would be fetched
whenever the page is viewed (a tracking pixel): it becomes a link to the
image instead, and nh3 drops any outside image source that is left.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

MAX_LINES = 1_500
"""Lines of a description rendered as Markdown (each may start a block)."""
MAX_MARKUP = 20_000
"""Characters that may start inline markup (each costs the parser ~10 us)."""
MAX_NESTING = 16
"""Containers (quotes, list items, indented levels) opened on one line."""
MAX_BRACKET_WORK = 500_000
"""Characters scanned to pair brackets: for each ``[`` and ``(``, the
distance to its partner, or to the end of its paragraph if it has none."""

_MARKUP = "*_`[]()!<&\\"
_CONTAINER = re.compile(r" {0,3}(?:>[ \t]?|(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$))| {0,3}\t| {4}")
_BRACKETS = re.compile(r"\\.|[\[\]()]|\n[ \t]*\n")
_PAIRS = {"]": "[", ")": "("}


def _nesting(text: str) -> int:
    """The most containers any line opens (at most MAX_NESTING + 1: it stops counting there)."""
    deepest = 0
    for line in text.split("\n"):
        depth = pos = 0
        while depth <= MAX_NESTING:
            m = _CONTAINER.match(line, pos)
            if m is None or m.end() == pos:
                break
            depth, pos = depth + 1, m.end()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
    return deepest


def _bracket_work(text: str) -> int:
    """How far the link parser scans pairing brackets (it stops counting past the budget)."""
    work = 0
    opened: dict[str, list[int]] = {"[": [], "(": []}
    for m in _BRACKETS.finditer(text):
        token, pos = m.group(), m.start()
        if token in opened:
            opened[token].append(pos)
        elif token in _PAIRS:
            stack = opened[_PAIRS[token]]
            if stack:
                work += pos - stack.pop()
        elif token[0] != "\\":  # a blank line: the paragraph ends, and every scan with it
            for stack in opened.values():
                work += len(stack) * pos - sum(stack)
                stack.clear()
        if work > MAX_BRACKET_WORK:
            return work
    end = len(text)
    return work + sum(len(stack) * end - sum(stack) for stack in opened.values())


def renders_as_markdown(text: str) -> bool:
    """Whether a description is rendered, rather than shown as plain text (bounded work)."""
    return (
        text.count("\n") < MAX_LINES
        and sum(map(text.count, _MARKUP)) <= MAX_MARKUP
        and _nesting(text) <= MAX_NESTING
        and _bracket_work(text) <= MAX_BRACKET_WORK
    )


def plain_html(text: str) -> Markup:
    return Markup(f'<pre class="registry-plain">{escape(text)}</pre>')  # noqa: S704 - escaped


_MARKDOWN: list[Any] = []


def markdown_html(text: str) -> Markup:
    """A record's Markdown description as sanitised HTML."""
    if not text:
        return Markup("")
    if not renders_as_markdown(text):
        return plain_html(text)
    import nh3

    if not _MARKDOWN:
        import markdown

        _MARKDOWN.append(
            markdown.Markdown(
                extensions=["tables", "fenced_code", "sane_lists", "toc", _record_text()],
                extension_configs={
                    "toc": {"baselevel": 3}
                },  # a description's "#" sits below the page's headings
            )
        )
    html = _MARKDOWN[0].reset().convert(text)
    clean = nh3.clean(
        html,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_no_outside_images,
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def outside(url: str) -> bool:
    """Whether a URL leaves the site: it has a scheme (``https:``, ``data:``) or a host (``//host``)."""
    url = url.strip()
    return url.startswith(("//", "\\\\", "/\\", "\\/")) or bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url))


def _no_outside_images(element: str, attribute: str, value: str) -> str | None:
    if attribute in ("src", "srcset") and outside(value):
        return None
    return value


class _Images:
    """A tree processor: an image from outside the site becomes a link to it."""

    def run(self, root: Any) -> None:
        for img in list(root.iter("img")):
            src = img.get("src", "")
            if not outside(src):
                continue
            alt, title = img.get("alt"), img.get("title")
            img.attrib.clear()
            img.tag = "a"
            img.set("href", src)
            if title:
                img.set("title", title)
            img.text = f"image: {alt or src}"


def _record_text() -> Any:
    """The extension (its classes made on first use: Markdown is imported only to render)."""
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class Images(_Images, Treeprocessor):
        pass

    class RecordText(markdown.Extension):
        """Raw HTML in a description is text, shown as written (Python-Markdown's
        own advice); outside images become links."""

        def extendMarkdown(self, md: markdown.Markdown) -> None:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            md.treeprocessors.register(Images(md), "registry-images", 15)  # after "inline" (20)

    return RecordText()
