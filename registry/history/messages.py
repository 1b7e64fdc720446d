"""What a commit message says beyond its changes: the pull request that
merged it and the ``Reason`` trailer its author gave."""

from __future__ import annotations

import re

_GITHUB_MERGE = re.compile(r"\AMerge pull request #([0-9]+) from ")
_SQUASH = re.compile(r"\(#([0-9]+)\)\s*\Z")
_GITLAB = re.compile(r"^See merge request [^\s!]+!([0-9]+)\s*$", re.M)
_TRAILER = re.compile(r"^([A-Za-z0-9-]+): (.*)$")


def pr_number(message: str) -> int | None:
    """The pull or merge request a commit message names: GitHub merge commits,
    squash merges (``subject (#12)``) and GitLab's ``See merge request g/p!12``."""
    subject = message.split("\n", 1)[0]
    for pattern, text in ((_GITHUB_MERGE, subject), (_SQUASH, subject), (_GITLAB, message)):
        found = pattern.search(text)
        if found:
            return int(found.group(1))
    return None


def reason_of(message: str) -> str | None:
    """The ``Reason`` trailer: in the last paragraph, or else (a squash merge
    joins several messages) the first ``Reason:`` line of the message."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    candidates = paragraphs[-1:] + paragraphs[:-1]
    for paragraph in candidates:
        for line in paragraph.splitlines():
            found = _TRAILER.match(line.strip())
            if found and found.group(1).lower() == "reason":
                return found.group(2).strip()
    return None
