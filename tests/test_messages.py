"""Messages that say exactly what is wrong, to whoever reads them: the
command line's user and the Python caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry import Registry
from registry.errors import NotFound, UsageError
from tests.builder import RegistryBuilder, cli

V = "models/fraud-detector/versions/{}.yaml"


def test_a_missing_version_names_the_versions_there_are(reg: RegistryBuilder) -> None:
    reg.write(V.format(5), reg.read(V.format(3)))
    reg.write(V.format(4), "stage: [\n")  # broken by hand: not one of the versions it has
    reg.commit("v4 broken, v5 added")
    with pytest.raises(NotFound, match=r"has no version 9 \(it has versions 1\.\.3 and 5\)"):
        Registry(reg.root).get("fraud-detector/9")
    proc = cli(reg.root, "show", "fraud-detector/9")
    assert proc.returncode != 0 and "(it has versions 1..3 and 5)" in proc.stderr
    with pytest.raises(NotFound, match=r"it has version 1\)"):
        Registry(reg.root).get("base-encoder/2")


def test_reading_a_folder_that_holds_no_registry_says_so(tmp_path: Path) -> None:
    plain = RegistryBuilder(tmp_path / "plain")  # a git repository, but no registry
    with pytest.raises(NotFound, match=f"no registry in {plain.root}"):
        Registry(plain.root).get("fraud-detector/1")
    with pytest.raises(NotFound, match="no registry in"):
        Registry(plain.root).search("stage = 'production'")
    proc = cli(plain.root, "show", "fraud-detector/1")
    assert proc.returncode != 0 and f"no registry in {plain.root}" in proc.stderr


def test_python_callers_read_their_argument_names_not_the_options(
    reg: RegistryBuilder, tmp_path: Path
) -> None:
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"w" * 100)
    with pytest.raises(UsageError, match=r"^give bump= or semver=, not both$"):
        Registry(reg.root).register("fraud-detector", weights, bump="minor", semver="2.0.0")
    with pytest.raises(UsageError, match="a deletion needs reason="):
        Registry(reg.root).delete("fraud-detector", 1, reason="")
    proc = cli(reg.root, "delete", "fraud-detector/1", "--reason", "")
    assert "a deletion needs --reason" in proc.stderr  # the command line keeps its own
