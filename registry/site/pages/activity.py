"""The audit log: every event, newest first, in pages of ``ACTIVITY_PAGE``."""

from __future__ import annotations

from registry.site.context import Build
from registry.site.links import activity_page

ACTIVITY_PAGE = 500  # events per page


def add(site: Build) -> None:
    newest = list(reversed(site.data.events))
    pages = max(1, -(-len(newest) // ACTIVITY_PAGE))
    links = site.links
    for number in range(1, pages + 1):
        page = activity_page(number)
        if site.kept(page, site.keys.activity(number - 1) if site.keys is not None else None):
            continue
        site.render(
            "activity.md.j2",
            page,
            rows=site.event_rows(page, newest[(number - 1) * ACTIVITY_PAGE : number * ACTIVITY_PAGE]),
            number=number,
            pages=pages,
            prev_href=links.href(page, activity_page(number - 1)) if number > 1 else None,
            next_href=links.href(page, activity_page(number + 1)) if number < pages else None,
        )
