"""Fixtures: real temporary git repositories, a fixed identity, and a guard on $HOME."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.builder import RegistryBuilder

if TYPE_CHECKING:
    from tests.s3 import Bucket, S3Server


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    os.environ.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "GIT_AUTHOR_NAME": "Test Author",
            "GIT_AUTHOR_EMAIL": "author@example.com",
            "GIT_COMMITTER_NAME": "Test Committer",
            "GIT_COMMITTER_EMAIL": "committer@example.com",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "DVC_NO_ANALYTICS": "1",
            "DVC_SITE_CACHE_DIR": str(tmp_path_factory.mktemp("dvc-site-cache")),
        }
    )
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "REGISTRY_NO_CACHE"):
        os.environ.pop(var, None)
    yield home
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def _home_stays_empty(_isolated_environment: Path) -> Iterator[None]:
    before = set(_isolated_environment.rglob("*"))
    yield
    written = set(_isolated_environment.rglob("*")) - before
    assert not written, f"test wrote to $HOME: {sorted(map(str, written))[:5]}"


@pytest.fixture
def reg(tmp_path: Path) -> RegistryBuilder:
    """A small valid registry, committed: the baseline most rule tests break."""
    builder = RegistryBuilder(tmp_path / "repo")
    builder.baseline()
    builder.commit("baseline")
    return builder


@pytest.fixture
def empty_repo(tmp_path: Path) -> RegistryBuilder:
    return RegistryBuilder(tmp_path / "repo")


@pytest.fixture
def dvc_repo(empty_repo: RegistryBuilder, tmp_path: Path) -> RegistryBuilder:
    """An empty registry, committed, with DVC and a folder remote at ``tmp_path/remote``."""
    empty_repo.init_dvc(tmp_path / "remote")
    empty_repo.write("registry.yaml", "{}\n")
    empty_repo.commit("a registry")
    return empty_repo


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on 127.0.0.1, started once for the tests that ask for it."""
    from tests.s3 import session_server

    yield from session_server()


@pytest.fixture
def s3_bucket(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """An empty bucket of its own, and AWS test credentials in the environment."""
    from tests.s3 import bucket_for_test

    return bucket_for_test(s3_server, monkeypatch)


LONGEST_FIRST = (
    "test_mlflow_guides_sqlite.py",
    "test_mlflow_guides.py",
    "test_mlflow_serving.py",
    "test_mlflow_store.py",
    "test_import_mlflow.py",
    "test_s3.py",
    "test_writers.py",
)
"""The files that take longest, started first: with ``-n auto --dist loadfile``
each file runs whole on one worker, in collection order, so a long file
collected last would run alone at the end."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order
