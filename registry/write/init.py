"""A new registry repository, ready for a team (``registry init``).

In an empty folder (or an empty git repository): ``registry.yaml`` with the
default lifecycle, an empty ``models/``, the catalog's ``mkdocs.yml``, a
README, a ``.gitignore``, DVC with a default remote and the forge's CI, in
one commit. Everything is checked before anything is written, and a failure
part way removes all of it.

On a registry, it adds those of its files that are missing, overwrites
nothing and commits nothing. :func:`init` does either and says what it did
(:class:`Created`, :class:`Completed`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from registry import __version__, codeowners, dvc, git, layout, scaffold
from registry.errors import RegistryError, UsageError
from registry.load import is_registry
from registry.records import Config

FORGES = ("github", "gitlab")
BRANCH = "main"
"""The first branch of a repository that init creates."""
REMOTE = "storage"
"""The name of the default DVC remote."""
SUBJECT = "initialise model registry"
DVC_FILES = (".dvc/config", ".dvc/.gitignore", ".dvcignore")
"""What ``dvc init`` and ``dvc remote add`` write."""

_CI = {
    "github": (
        (
            ".github/workflows/registry-check.yml",
            "github-registry-check.yml",
            "registry check on every pull request",
        ),
        (".github/workflows/registry-pages.yml", "github-registry-pages.yml", "the catalog on GitHub Pages"),
    ),
    "gitlab": ((".gitlab-ci.yml", "gitlab-ci.yml", "registry check on every merge request; GitLab Pages"),),
}
FORGE_NAMES = {"github": "GitHub", "gitlab": "GitLab"}
_KEEP = ".gitkeep"
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class Created:
    """A new registry, made in one commit."""

    target: Path
    branch: str
    commit: str
    forge: str
    written: tuple[str, ...]
    """What was written besides the CI (folders end with ``/``)."""
    ci: tuple[str, ...]
    """The forge's CI files."""
    remote: str
    """DVC's default remote, as shown to the user."""
    install: Install


@dataclass(frozen=True)
class Completed:
    """A registry that init found, with the files it added (not committed)."""

    target: Path
    added: tuple[str, ...]
    remote: str | None
    """DVC's default remote, when DVC was set up now."""
    remote_ignored: bool
    """Whether a remote was asked for while DVC was set up already (it is left as it is)."""
    install: Install


DIST = "git-model-registry"


@dataclass(frozen=True)
class Install:
    """What the CI files ``pip install``, and why."""

    spec: str
    """``git-model-registry[site]==0.1.0``, or ``... @ git+https://...@COMMIT``."""
    source: str
    """Where it came from, for the user: the package index, a repository, --install."""
    warning: str | None = None
    """Set when CI cannot install what runs here (a copy from a local folder)."""


def install_spec(given: str | None = None) -> Install:
    """The pip requirement the CI files install: ``given`` (``--install``),
    else this running copy's, from the standard record of how it was
    installed (PEP 610's ``direct_url.json``): a VCS URL at its commit, an
    archive URL, or the package index at this version. A copy installed
    from a local folder (an editable checkout) is not reachable from CI:
    the index's version, with a warning."""
    if given is not None:
        if not given.strip() or not given.isprintable() or '"' in given or given.startswith("-"):
            raise UsageError(f"--install {given!r}: expected a pip requirement, e.g. {DIST}[site]==1.2.0")
        return Install(given.strip(), "--install")
    from importlib import metadata

    pinned = Install(f"{DIST}[site]=={__version__}", "the package index")
    try:
        raw = metadata.distribution(DIST).read_text("direct_url.json")
    except metadata.PackageNotFoundError:  # run from a source tree: what a release installs
        return pinned
    try:
        found = json.loads(raw) if raw else None
    except ValueError:
        found = None
    if not isinstance(found, dict) or not isinstance(found.get("url"), str):
        return pinned
    url = _without_credentials(found["url"])
    vcs = found.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(vcs.get("commit_id"), str):
        return Install(f"{DIST}[site] @ git+{url}@{vcs['commit_id']}", f"{url} at {vcs['commit_id'][:10]}")
    if url.startswith(("https://", "http://")):
        return Install(f"{DIST}[site] @ {url}", url)
    checkout = _checkout_of(url)
    if checkout is not None:  # a clone of the project, installed from its folder: its origin at HEAD
        origin, head = checkout
        return Install(f"{DIST}[site] @ git+{origin}@{head}", f"{origin} at {head[:10]} (push that commit)")
    return Install(
        pinned.spec,
        "the package index",
        f"this copy of {DIST} was installed from {url}, which CI cannot reach, so the CI files install "
        f"{pinned.spec} from the package index; to install something else, run init with --install SPEC "
        "(e.g. 'git-model-registry[site] @ git+https://github.com/ORG/git-model-registry@COMMIT'), or edit "
        "the `pip install` line of the CI files",
    )


def _checkout_of(url: str) -> tuple[str, str] | None:
    """(origin URL, HEAD) of the git checkout at the ``file://`` ``url``, when
    its origin is a URL CI can clone; else None."""
    import urllib.parse
    import urllib.request

    if not url.startswith("file://"):
        return None
    folder = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    if not folder.is_dir() or git.toplevel(folder) is None:
        return None
    origin, head = git.remote_url(folder), git.head_commit(folder)
    if origin is None or head is None or not origin.startswith(("https://", "ssh://", "git@")):
        return None
    if origin.startswith("git@"):  # scp-like: what pip's git+ wants is ssh://
        origin = "ssh://" + origin.replace(":", "/", 1)
    return _without_credentials(origin), head


def _without_credentials(url: str) -> str:
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    if parts.password or (parts.username and parts.scheme in ("http", "https")):  # ssh's user is no secret
        parts = parts._replace(netloc=(parts.hostname or "") + (f":{parts.port}" if parts.port else ""))
    return urllib.parse.urlunsplit(parts)


def _flow(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(items) + "]"


def _lifecycle_values() -> dict[str, str]:
    """registry.yaml's settings, written out from the defaults every command applies."""
    cfg = Config()
    return {
        "INITIAL_STAGE": cfg.initial_stage,
        "STAGES": _flow(cfg.stages),
        "TRANSITIONS": "\n".join(f"  {stage}: {_flow(to)}" for stage, to in cfg.transitions.items()),
        "SINGLE_HOLDER": _flow(cfg.single_holder),
        "ARCHIVE_ON_PROMOTE": str(cfg.archive_on_promote).lower(),
        "ARCHIVE_STAGE": cfg.archive_stage,
        "ROLLBACK": str(cfg.rollback).lower(),
    }


def _forge_values(forge: str, branch: str) -> dict[str, str]:
    ci = "\n".join(f"{path:<41}{what}" for path, _, what in _CI[forge])
    if forge == "gitlab":
        return {
            "REQUEST": "merge request",
            "FORGE_EXAMPLE": "https://gitlab.com/GROUP/PROJECT",
            "CI_FILES": ci,
            "PAGES": f"The `pages` job of `.gitlab-ci.yml` publishes it to GitLab Pages on every push to `{branch}`.",
        }
    return {
        "REQUEST": "pull request",
        "FORGE_EXAMPLE": "https://github.com/ORG/REPO",
        "CI_FILES": ci,
        "PAGES": (
            f"`.github/workflows/registry-pages.yml` publishes it to GitHub Pages on every push to `{branch}`."
        ),
    }


def files(name: str, forge: str, branch: str, install: str | None = None) -> dict[str, str]:
    """Every file init writes but DVC's own: repository path -> text; the CI
    installs ``install`` (default: :func:`install_spec`'s)."""
    values = {
        **_lifecycle_values(),
        **_forge_values(forge, branch),
        **scaffold.action_pins(),
        "NAME": name,
        "BRANCH": branch,
        "VERSION": __version__,
        "INSTALL": install or install_spec().spec,
        "REMOTE_NAME": REMOTE,
    }
    values["PROTECTION"] = scaffold.render(f"protection-{forge}.md", values).rstrip("\n")
    out = {
        layout.REGISTRY_FILE: scaffold.render("registry.yaml", values),
        layout.KEEP_FILE: "",
        f"docs/{_KEEP}": "",
        "mkdocs.yml": scaffold.text("mkdocs.yml"),
        ".gitignore": scaffold.text("gitignore"),
        "README.md": scaffold.render("readme.md", values),
    }
    for path, template, _ in _CI[forge]:
        out[path] = scaffold.render(template, values)
    # CODEOWNERS with the generated block, empty for now: CI's `registry codeowners --check` passes
    out[codeowners.default_location(forge, ())] = codeowners.block((), forge).text
    return out


# -- where, and what is there --------------------------------------------------


def _target(start: Path, directory: str | None) -> Path:
    raw = "." if directory is None else directory
    if not raw or not raw.isprintable():
        raise UsageError(f"{raw!r} is not a folder name init can use")
    return Path(os.path.abspath(start / raw)).resolve()


def _state(target: Path) -> str:
    """``new`` (no such folder), ``empty``, ``empty-git`` (an empty repository
    with no commit) or ``registry``; refuses anything else."""
    if not target.exists():
        if target.is_symlink():
            raise RegistryError(f"{target} is a symlink to nothing; remove it or choose another folder")
        return "new"
    if not target.is_dir():
        raise RegistryError(f"{target} exists and is not a folder")
    if is_registry(target):
        return "registry"
    others = sorted(p.name for p in target.iterdir() if p.name != ".git")
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        raise RegistryError(
            f"{target} is not empty ({shown}) and is not a registry: "
            "registry init needs an empty folder or an empty git repository"
        )
    if not (target / ".git").exists():
        return "empty"
    top = git.toplevel(target)
    if top is None or top.resolve() != target:
        raise RegistryError(f"{target}/.git is not a git repository; remove it or choose another folder")
    if git.head_commit(target) is not None:
        raise RegistryError(
            f"{target} is a git repository that has commits already; registry init starts a repository's "
            "history: use an empty folder, or a fresh clone of an empty repository"
        )
    if git.ls_files(target, []):
        raise RegistryError(
            f"{target} has files staged in git's index but none in the folder; run `git reset`"
        )
    return "empty-git"


def _remote(start: Path, target: Path, remote: str | None) -> tuple[str, str]:
    """What to give ``dvc remote add`` from the registry's folder, and how to show it."""
    if remote is None:
        beside = f"{target.name}-dvc-storage"
        return f"../{beside}", str(target.parent / beside)
    if not remote.strip() or remote.startswith("-") or not remote.isprintable():
        raise UsageError(f"--remote {remote!r}: expected a folder or a URL such as s3://bucket/path")
    if _URL_RE.match(remote):
        return remote, remote
    path = Path(os.path.abspath(start / remote)).resolve()
    if path == target:
        raise UsageError(f"--remote {remote}: that is the registry's own folder; choose a folder beside it")
    if Path(remote).is_absolute():
        return str(path), str(path)
    return os.path.relpath(path, target), str(path)


def _forge_of(target: Path, forge: str | None) -> str:
    """The forge asked for; on an existing registry, the one whose CI it has."""
    if forge is not None:
        return forge
    if (target / ".gitlab-ci.yml").exists() and not (target / ".github").exists():
        return "gitlab"
    return "github"


def _main_branch(root: Path) -> str:
    """The branch that CI and the README of an existing registry name: main
    or master if there is one, else the current branch."""
    for name in (BRANCH, "master"):
        if git.branch_exists(root, name):
            return name
    return git.current_branch(root) or BRANCH


def _existing_ancestor(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def _require_git_identity(where: Path) -> None:
    git.require(where)  # a clear error when git is missing
    if git.identity_email(where) is None:
        raise RegistryError(
            "git does not know who you are, and init makes a commit: run "
            "`git config --global user.name 'Your Name'` and `git config --global user.email you@example.com`"
        )


# -- a new registry ------------------------------------------------------------


def _undo(target: Path, state: str, made: Path | None) -> None:
    """Remove what init wrote: the folders it made, or everything in the folder
    it found empty (but a ``.git`` that was there before, whose index it empties)."""
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
        return
    if not target.is_dir():
        return
    for entry in target.iterdir():
        if entry.name == ".git" and state == "empty-git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    if state == "empty-git":
        with contextlib.suppress(RegistryError):
            git.empty_index(target)


def _create(
    start: Path, target: Path, state: str, forge: str, remote: str | None, install: Install
) -> Created:
    from registry.write.commit import Change, apply

    dvc.require()
    _require_git_identity(_existing_ancestor(target))
    branch = (git.current_branch(target) if state == "empty-git" else None) or BRANCH
    url, shown = _remote(start, target, remote)
    planned = files(target.name, forge, branch, install.spec)
    made = None
    if state == "new":
        made = target
        while not made.parent.exists():
            made = made.parent
    try:
        target.mkdir(parents=True, exist_ok=True)
        if state != "empty-git":
            git.init_repo(target, branch)
        dvc.init(target)
        dvc.add_default_remote(target, REMOTE, url)
        commit = apply(target, Change(planned, SUBJECT, (("Registry-Action", "init"),)), created=DVC_FILES)
    except BaseException:
        _undo(target, state, made)
        raise
    ci = {path for path, _, _ in _CI[forge]}
    written = [p.removesuffix(_KEEP) for p in planned if p not in ci]
    return Created(
        target=target,
        branch=branch,
        commit=commit,
        forge=forge,
        written=(*written, ".dvc/"),
        ci=tuple(sorted(ci)),
        remote=shown,
        install=install,
    )


# -- an existing registry ------------------------------------------------------


def _present(target: Path, path: str) -> bool:
    """Whether ``path`` is there; a folder's placeholder counts as there when the folder is."""
    full = target / path
    if full.name == _KEEP:
        return full.parent.exists()
    return full.exists() or full.is_symlink()


def _create_file(path: Path, text: str) -> None:
    """Write a new file whole, never replacing one (a hard link of a finished temporary file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise RegistryError(f"{path} appeared while init ran; it was left as it is") from None
    finally:
        os.unlink(tmp)


def _remove(target: Path, paths: list[str]) -> None:
    for rel in paths:
        path = target / rel
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == target:
                break
            with contextlib.suppress(OSError):
                parent.rmdir()  # only when empty


def _complete(start: Path, target: Path, forge: str, remote: str | None, install: Install) -> Completed:
    top = git.toplevel(target)
    if top is None or top.resolve() != target:
        raise RegistryError(
            f"{target} has a registry's files but is not the top of a git repository; "
            "run init at the top of the registry's repository"
        )
    url, shown = _remote(start, target, remote)
    planned = files(target.name, forge, _main_branch(target), install.spec)
    missing = {path: text for path, text in planned.items() if not _present(target, path)}
    with_dvc = not (target / ".dvc").exists()
    if with_dvc:
        dvc.require()
    added: list[str] = []
    try:
        if with_dvc:
            dvc.init(target)
            added.extend(DVC_FILES)
            dvc.add_default_remote(target, REMOTE, url)
        for path, text in missing.items():
            _create_file(target / path, text)
            added.append(path)
    except BaseException:
        if with_dvc:
            with contextlib.suppress(RegistryError):
                git.unstage(target, list(DVC_FILES))
            shutil.rmtree(target / ".dvc", ignore_errors=True)
        _remove(target, added)
        raise
    return Completed(
        target=target,
        added=tuple(added),
        remote=shown if with_dvc else None,
        remote_ignored=remote is not None and not with_dvc,
        install=install,
    )


def init(
    start: Path,
    directory: str | None = None,
    *,
    forge: str | None = None,
    remote: str | None = None,
    install: str | None = None,
) -> Created | Completed:
    """Make ``directory`` (relative to ``start``; default ``start``) a new
    registry in one commit, or, when it is a registry, add the files of
    init's that it lacks (committing nothing).

    ``forge`` is ``github`` or ``gitlab`` (default: github; on a registry,
    the forge whose CI it has). ``remote`` is the default DVC remote, a
    folder (relative to ``start``) or a URL (default: the folder
    ``<directory>-dvc-storage`` beside the registry). ``install`` is what
    the CI files ``pip install`` (default: :func:`install_spec`). Raises
    :class:`UsageError` for a bad name or option, :class:`RegistryError`
    when the folder cannot become a registry (not empty, no git identity,
    DVC missing), and whatever git or DVC raise, after removing all it wrote."""
    if forge is not None and forge not in FORGES:
        raise UsageError(f"--forge {forge!r}: expected one of {', '.join(FORGES)}")
    chosen = install_spec(install)
    target = _target(start, directory)
    state = _state(target)
    if state == "registry":
        return _complete(start, target, _forge_of(target, forge), remote, chosen)
    return _create(start, target, state, forge or "github", remote, chosen)
