"""Pull requests on the forge: through ``gh`` or ``glab`` when installed and
logged in, otherwise the URL that opens one in the browser."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit

from registry import proc
from registry.errors import CommandFailed


def is_gitlab(forge: str) -> bool:
    """Whether the forge's URL is GitLab's (its host says so): URL forms differ."""
    return "gitlab" in urlsplit(forge).netloc.lower()


def commit_url(forge: str, commit: str) -> str:
    base = forge.rstrip("/")
    return f"{base}/-/commit/{commit}" if is_gitlab(base) else f"{base}/commit/{commit}"


def request_url(forge: str, number: int) -> str:
    """A pull request (GitHub) or merge request (GitLab) by number."""
    base = forge.rstrip("/")
    return f"{base}/-/merge_requests/{number}" if is_gitlab(base) else f"{base}/pull/{number}"


def pull_request_url(forge: str, base: str, branch: str) -> str:
    """The page that opens a pull (or merge) request of ``branch`` into ``base``."""
    forge = forge.rstrip("/")
    if is_gitlab(forge):
        return (
            f"{forge}/-/merge_requests/new?merge_request%5Bsource_branch%5D={quote(branch, safe='')}"
            f"&merge_request%5Btarget_branch%5D={quote(base, safe='')}"
        )
    return f"{forge}/compare/{quote(base, safe='/')}...{quote(branch, safe='/')}?expand=1"


def open_pull_request(root: Path, forge: str | None, base: str, branch: str, title: str, body: str) -> str:
    """Open the request with the forge's CLI if one works here; otherwise
    return what the user should open. Never fails the write that preceded it."""
    for tool, args in (
        ("gh", ["pr", "create", "--base", base, "--head", branch, "--title", title, "--body", body]),
        (
            "glab",
            [
                *("mr", "create", "--yes", "--source-branch", branch, "--target-branch", base),
                *("--title", title, "--description", body),
            ],
        ),
    ):
        exe = shutil.which(tool)
        if exe is None:
            continue
        try:
            done = proc.run([exe, *args], root, check=False, timeout=120)
        except CommandFailed:  # it could not start, or hung: the URL below still works
            continue
        out = done.stdout.decode("utf-8", "replace").strip()
        if done.returncode == 0:
            return f"opened: {out.splitlines()[-1] if out else branch}"
    if forge:
        return f"open a pull request: {pull_request_url(forge, base, branch)}"
    return f"pushed {branch}; open a pull request into {base} on your forge (set `forge:` in registry.yaml for a link)"
