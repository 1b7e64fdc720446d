"""Links: between the catalog's pages (relative, for directory URLs or not)
and to the forge's commits and pull requests."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

NAV = ("index.md", "models/index.md", "lineage/index.md", "activity/index.md")
"""The pages every page links to in its navigation."""


def model_page(name: str) -> str:
    return f"models/{name}/index.md"


def lineage_page(name: str) -> str:
    return f"lineage/{name}.md"


def activity_page(number: int) -> str:
    """Page ``number`` (1, 2, ...) of the audit log."""
    return "activity/index.md" if number == 1 else f"activity/page-{number}.md"


class Pages:
    """Relative links between generated pages, for directory URLs or not."""

    def __init__(self, directory_urls: bool) -> None:
        self.directory_urls = directory_urls
        self._rel: dict[tuple[str, str], str] = {}

    def url(self, page: str) -> str:
        """The site path a page is served at."""
        if page.endswith(".md"):
            stem = page[:-3]
            if self.directory_urls:
                if stem == "index" or stem.endswith("/index"):
                    return stem[: -len("index")]
                return stem + "/"
            return stem + ".html"
        return page

    def href(self, from_page: str, to: str, anchor: str = "") -> str:
        key = (from_page, to)
        rel = self._rel.get(key)
        if rel is None:
            here_url = self.url(from_page)
            here = here_url.rstrip("/") if here_url.endswith("/") else posixpath.dirname(here_url)
            target = self.url(to)
            rel = relative(target, here)
            self._rel[key] = rel
        return rel + (f"#{anchor}" if anchor else "")

    def nav(self, page: str) -> dict[str, str]:
        """The navigation's links from ``page``."""
        return {p: self.href(page, p) for p in NAV}


def relative(target: str, here: str) -> str:
    """``target`` (a site path; a folder ends with ``/``) as a link from the folder ``here``:
    ``posixpath.relpath`` without its trips to the file system for an absolute path."""
    to = [p for p in target.split("/") if p]
    start = [p for p in here.split("/") if p]
    common = 0
    while common < min(len(to), len(start)) and to[common] == start[common]:
        common += 1
    rel = "/".join([".."] * (len(start) - common) + to[common:]) or "."
    return rel + "/" if target.endswith("/") and not rel.endswith("/") else rel


def forge_links(forge: str | None) -> tuple[Callable[[str], str | None], Callable[[int], str | None]]:
    """Commit and pull-request URLs on the forge, or none without one."""
    if not forge:
        return (lambda _c: None), (lambda _n: None)
    from registry.forge import commit_url, request_url

    commits, requests = commit_url(forge, ""), request_url(forge, 0)[:-1]  # the URLs end with the id
    return (lambda c: commits + c), (lambda n: f"{requests}{n}")
