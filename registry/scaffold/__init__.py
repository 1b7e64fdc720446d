"""The files ``registry init`` writes, kept as text templates in this folder.

In a template, ``@NAME@`` (capitals and underscores between two ``@``) is
replaced by a value; everything else is copied as it is, GitHub's
``${{ ... }}`` expressions included. The templates are named so that no
forge mistakes them for this project's own CI (``gitlab-ci.yml``, not
``.gitlab-ci.yml``); ``registry.write.init`` says where each one goes.
"""

from __future__ import annotations

import re
from importlib.resources import files

ACTIONS: dict[str, tuple[str, str, str]] = {
    "CHECKOUT": ("actions/checkout", "34e114876b0b11c390a56381ad16ebd13914f8d5", "v4.3.1"),
    "SETUP_PYTHON": ("actions/setup-python", "a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "CACHE": ("actions/cache", "0057852bfaa89a56745cba8c7296529d2fc39830", "v4.3.0"),
    "CONFIGURE_PAGES": ("actions/configure-pages", "983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0"),
    "UPLOAD_PAGES_ARTIFACT": (
        "actions/upload-pages-artifact",
        "56afc609e74202658d3ffba0e8f6dda462b719fa",
        "v3.0.1",
    ),
    "DEPLOY_PAGES": ("actions/deploy-pages", "d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4.0.5"),
}
"""The GitHub Actions the workflows use, pinned: placeholder -> (action, commit, the tag it is)."""

_PLACEHOLDER = re.compile(r"@([A-Z][A-Z_]*)@")


def text(name: str) -> str:
    """A template as it is shipped."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


def action_pins() -> dict[str, str]:
    """The value of each action's placeholder: ``owner/name@<commit> # <tag>``."""
    return {key: f"{action}@{commit} # {tag}" for key, (action, commit, tag) in ACTIONS.items()}


def render(name: str, values: dict[str, str]) -> str:
    """A template with its placeholders filled. A placeholder with no value is
    a mistake in this package, not in the user's input: it raises KeyError."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text(name))
