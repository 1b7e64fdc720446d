"""Semantic versions (``versioning: semver``): bumps at register, chosen from
the signature or asked for; references by semver; and the checker's rules,
over a tree and against a base. Each through the CLI and through Registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from registry import Registry
from registry.check import check
from registry.errors import NotFound, UsageError
from registry.records import SemVer, signature_change
from registry.write.commit import WriteRefused
from tests.builder import RegistryBuilder, cli

SIG1 = {"inputs": [{"name": "amount", "type": "double"}, {"name": "country", "type": "string"}]}
SIG1["outputs"] = [{"name": "label", "type": "long"}]
SIG2 = {**SIG1, "inputs": [*SIG1["inputs"], {"name": "merchant", "type": "string"}]}  # input added
SIG3 = {**SIG1, "inputs": [{"name": "amount", "type": "string"}, {"name": "merchant", "type": "string"}]}
"""SIG3 against SIG2: amount retyped double -> string, country removed."""


def artifact(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model.onnx"
    path.write_text(text)
    return path


def sig_file(tmp_path: Path, sig: dict[str, Any]) -> str:
    path = tmp_path / f"sig{abs(hash(json.dumps(sig, sort_keys=True)))}.yaml"
    path.write_text(yaml.safe_dump(sig))
    return str(path)


def subject(repo: RegistryBuilder) -> str:
    return repo.git("log", "-1", "--format=%s").strip()


def semvers(root: Path) -> dict[int, str | None]:
    rm = Registry(root).model("fraud")
    return {n: v.semver_text for n, v in rm.versions.items()}


# -- register -----------------------------------------------------------------


def test_register_bumps_semver_through_the_cli(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    root = dvc_repo.root

    def register(text: str, *args: str) -> Any:
        return cli(root, "register", "fraud", str(artifact(tmp_path, text)), *args)

    proc = register("v1", "--semver", "1.0.0", "--signature", sig_file(tmp_path, SIG1))
    assert proc.returncode == 0, proc.stderr
    assert "register fraud v1 (new model, 1.0.0)" in proc.stdout
    assert yaml.safe_load(dvc_repo.read("models/fraud/model.yaml")) == {"versioning": "semver"}
    assert 'semver: "1.0.0"' in dvc_repo.read("models/fraud/versions/1.yaml")
    # no flag: the bump comes from the signature
    proc = register("v2", "--signature", sig_file(tmp_path, SIG1))
    assert "register fraud v2 (1.0.1: patch, signature unchanged)" in proc.stdout, proc.stderr
    proc = register("v3", "--signature", sig_file(tmp_path, SIG2))
    assert "register fraud v3 (1.1.0: minor, input merchant added)" in proc.stdout, proc.stderr
    # a minor bump of a breaking signature is refused before anything is written
    head = dvc_repo.git("rev-parse", "HEAD")
    proc = register("v4", "--bump", "minor", "--signature", sig_file(tmp_path, SIG3))
    assert proc.returncode == 1
    assert (
        "--bump minor refused: the signature breaks version 3's (input amount retyped double -> string, "
        "input country removed), which needs a major bump to 2.0.0: use --bump major" in proc.stderr
    ), proc.stderr
    assert dvc_repo.git("rev-parse", "HEAD") == head
    assert not (root / "models/fraud/versions/4.yaml").exists()
    assert not (root / "models/fraud/artifacts/4").exists()
    proc = register("v4", "--signature", sig_file(tmp_path, SIG3))
    assert (
        "register fraud v4 (2.0.0: major, input amount retyped double -> string, input country removed)"
        in proc.stdout
    ), proc.stderr
    assert "Semver: 2.0.0" in dvc_repo.git("log", "-1", "--format=%(trailers:only,unfold)")
    proc = register("v5", "--bump", "patch")
    assert "register fraud v5 (2.0.1: patch, asked)" in proc.stdout, proc.stderr
    proc = register("v6", "--semver", "3.0.0")
    assert "register fraud v6 (3.0.0: major, given)" in proc.stdout, proc.stderr
    # usage errors: a semver not above the latest, both flags
    proc = register("v7", "--semver", "2.5.0")
    assert proc.returncode == 2 and "fraud's versions go up to 3.0.0; give a higher one" in proc.stderr
    proc = register("v7", "--semver", "4.0.0", "--bump", "major")
    assert proc.returncode == 2 and "give --bump or --semver, not both" in proc.stderr
    proc = register("v7", "--semver", "4.0")
    assert proc.returncode == 2 and "'4.0' is not a semantic version" in proc.stderr
    assert semvers(root) == {1: "1.0.0", 2: "1.0.1", 3: "1.1.0", 4: "2.0.0", 5: "2.0.1", 6: "3.0.0"}
    assert check(root) == []
    shown = cli(root, "show", "fraud/4").stdout
    assert "semver:     2.0.0  (models:/fraud/2.0.0)" in shown
    proc = cli(root, "pull", "models:/fraud/1.x", "-o", str(tmp_path / "pulled"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "pulled").read_text() == "v3"  # 1.1.0, version 3


def test_register_bumps_semver_through_the_api(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    reg = Registry(dvc_repo.root)
    first = reg.register("fraud", artifact(tmp_path, "v1"), semver="0.9.0", signature=SIG2)
    assert first.semver == SemVer(0, 9, 0) and first.number == 1
    assert reg.register("fraud", artifact(tmp_path, "v2"), bump="minor", signature=SIG2).semver == SemVer(
        0, 10, 0
    )
    head = dvc_repo.git("rev-parse", "HEAD")
    with pytest.raises(WriteRefused, match=r"input amount retyped double -> string.*use bump='major'"):
        reg.register("fraud", artifact(tmp_path, "v3"), bump="patch", signature=SIG3)
    with pytest.raises(WriteRefused, match=r"needs a major bump to 1\.0\.0"):
        reg.register("fraud", artifact(tmp_path, "v3"), semver="0.11.0", signature=SIG3)
    assert dvc_repo.git("rev-parse", "HEAD") == head
    broke = reg.register("fraud", artifact(tmp_path, "v3"), signature=SIG3)
    assert (broke.number, broke.semver) == (3, SemVer(1, 0, 0))
    assert "(1.0.0: major, input amount retyped double -> string, input country removed)" in subject(dvc_repo)
    added = reg.register(
        "fraud", artifact(tmp_path, "v4"), signature={**SIG3, "inputs": [*SIG3["inputs"], SIG1["inputs"][1]]}
    )
    assert added.semver == SemVer(1, 1, 0)
    assert reg.register("fraud", artifact(tmp_path, "v5"), semver="1.1.7").semver == SemVer(1, 1, 7)
    assert check(dvc_repo.root) == []
    pulled = reg.pull("models:/fraud/0.x", tmp_path / "out")
    assert pulled.read_text() == "v2"  # 0.10.0, version 2


def test_bump_or_semver_for_a_model_without_semver_is_a_usage_error(
    dvc_repo: RegistryBuilder, tmp_path: Path
) -> None:
    reg = Registry(dvc_repo.root)
    plain = reg.register("plain", artifact(tmp_path, "v1"))
    assert plain.semver is None and "semver" not in plain.raw
    proc = cli(dvc_repo.root, "register", "plain", str(artifact(tmp_path, "v2")), "--bump", "minor")
    assert proc.returncode == 2
    assert (
        "plain numbers its versions only; to give them semantic versions, add versioning: semver"
        in proc.stderr
    )
    with pytest.raises(UsageError, match="plain numbers its versions only"):
        reg.register("plain", artifact(tmp_path, "v2"), semver="1.0.0")
    proc = cli(dvc_repo.root, "register", "fresh", str(artifact(tmp_path, "v2")), "--bump", "major")
    assert proc.returncode == 2 and "a new model has no version to bump" in proc.stderr
    assert sorted(Registry(dvc_repo.root).models) == ["plain"]


def test_a_semver_model_made_by_hand_starts_at_1_0_0(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    dvc_repo.model("fraud", versioning="semver")
    dvc_repo.commit("fraud uses semantic versions")
    proc = cli(dvc_repo.root, "register", "fraud", str(artifact(tmp_path, "v1")))
    assert "register fraud v1 (1.0.0: the first version)" in proc.stdout, proc.stderr
    assert Registry(dvc_repo.root).register("fraud", artifact(tmp_path, "v2")).semver == SemVer(1, 0, 1)


# -- references -----------------------------------------------------------------

SEMVERS = {1: "1.0.0", 2: "1.4.0", 3: "1.4.2", 4: "1.10.0", 5: "2.0.0"}


@pytest.fixture
def semver_reg(reg: RegistryBuilder) -> RegistryBuilder:
    """The baseline, and a model ``fraud`` with versioning: semver at 1.0.0 ... 2.0.0."""
    reg.model("fraud", versioning="semver")
    for number, text in SEMVERS.items():
        reg.version("fraud", number, semver=text)
    reg.commit("fraud, with semantic versions")
    return reg


@pytest.mark.parametrize(
    ("ref", "number"),
    [
        ("models:/fraud/1.4.2", 3),
        ("fraud/1.4.0", 2),
        ("models:/fraud/1.4", 3),
        ("fraud/1.4.x", 3),
        ("models:/fraud/1.x", 4),  # 1.10.0 is above 1.4.2
        ("fraud/2.x", 5),
        ("models:/fraud/2", 2),  # a bare integer is the version number, never 2.x
        ("fraud/3", 3),
    ],
)
def test_a_semver_reference_names_the_newest_match(
    semver_reg: RegistryBuilder, ref: str, number: int
) -> None:
    assert Registry(semver_reg.root).get(ref).number == number
    proc = cli(semver_reg.root, "resolve", ref)
    assert proc.returncode == 0 and proc.stdout == f"models:/fraud/{number}\n", proc.stderr


def test_semver_references_that_name_nothing(semver_reg: RegistryBuilder) -> None:
    root = semver_reg.root
    with pytest.raises(
        NotFound, match=r"fraud has no version with semver 1\.5\.x \(its newest is 2\.0\.0, version 5\)"
    ):
        Registry(root).get("models:/fraud/1.5")
    proc = cli(root, "show", "fraud/3.x")
    assert proc.returncode == 1 and "fraud has no version with semver 3.x" in proc.stderr
    with pytest.raises(UsageError, match="fraud-detector has no semantic versions"):
        Registry(root).get("models:/fraud-detector/1.0.0")
    proc = cli(root, "show", "fraud-detector/1.x")
    assert proc.returncode == 2
    assert (
        "fraud-detector has no semantic versions (its model.yaml does not say versioning: semver)"
        in proc.stderr
    )
    assert cli(root, "resolve", "fraud/1.4.2.1").returncode == 2


def test_semver_is_shown_listed_searched_and_in_the_catalog(
    semver_reg: RegistryBuilder, tmp_path: Path
) -> None:
    root = semver_reg.root
    shown = cli(root, "show", "fraud").stdout
    assert "versioning: semver" in shown and "SEMVER" in shown and "1.10.0" in shown
    assert "SEMVER" not in cli(root, "show", "fraud-detector").stdout
    assert "5 (2.0.0)" in cli(root, "list").stdout
    found = cli(root, "search", "semver LIKE '1.4.%'", "--order-by", "semver DESC").stdout
    assert [line.split()[0] for line in found.splitlines()[2:]] == ["fraud/3", "fraud/2"]
    ordered = Registry(root).search("semver IS NOT NULL", order_by=["semver"])
    assert [v.number for v in ordered] == [1, 2, 3, 4, 5]  # 1.10.0 after 1.4.2
    assert [v.number for v in Registry(root).search("semver = '1.4.2'")] == [3]
    out = tmp_path / "gen"
    assert cli(root, "site", "generate", "--out", str(out)).returncode == 0
    page = (out / "models/fraud/index.md").read_text()
    assert "<th>Semver</th>" in page and "<td>1.10.0</td>" in page
    assert '<h2 id="version-4">Version 4 <code class="registry-semver">1.10.0</code></h2>' in page
    assert "<th>Semver</th>" not in (out / "models/fraud-detector/index.md").read_text()
    api = json.loads((out / "api/models/fraud.json").read_text())
    assert api["versioning"] == "semver" and api["latest_semver"] == "2.0.0"
    assert [v["semver"] for v in api["versions"]] == list(SEMVERS.values())


# -- the checker: the tree ---------------------------------------------------------

V = "models/fraud/versions/{}.yaml"


def errors(root: Path, base: str | None = None) -> list[tuple[str, str, int | None]]:
    return [(p.rule, p.path, p.line) for p in check(root, base=base)]


def test_semver_models_are_clean(semver_reg: RegistryBuilder) -> None:
    assert errors(semver_reg.root) == []


def test_semver_missing_repeated_lower_and_unexpected(semver_reg: RegistryBuilder) -> None:
    semver_reg.edit(V.format(2), "semver: 1.4.0\n", "")
    semver_reg.edit(V.format(4), "semver: 1.10.0", "semver: 1.4.2")
    semver_reg.edit(V.format(5), "semver: 2.0.0", "semver: 1.3.0")
    semver_reg.edit(
        "models/fraud-detector/versions/1.yaml", "stage: archived", "stage: archived\nsemver: 1.0.0"
    )
    assert sorted(errors(semver_reg.root)) == [
        ("semver-missing", V.format(2), 1),
        ("semver-order", V.format(4), 11),
        ("semver-order", V.format(5), 11),
        ("semver-unexpected", "models/fraud-detector/versions/1.yaml", 4),
    ]
    out = cli(semver_reg.root, "check")
    assert out.returncode == 1
    assert f"{V.format(4)}:11: semver-order: semver 1.4.2 repeats version 3's" in out.stdout
    assert f"{V.format(5)}:11: semver-order: semver 1.3.0 is not above 1.4.2 (version 3)" in out.stdout


def test_a_breaking_signature_without_a_major_bump_is_refused(semver_reg: RegistryBuilder) -> None:
    """v3 gets a signature, v4 (1.10.0) breaks it: refused; v5 (2.0.0) breaking v4's is fine."""
    root = semver_reg.root
    for number, sig in ((3, SIG2), (4, SIG3), (5, SIG1)):
        text = semver_reg.read(V.format(number))
        semver_reg.write(V.format(number), text + yaml.safe_dump({"signature": sig}))
    proc = cli(root, "check")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{V.format(4)}:11: semver-break: breaking signature needs a major bump: input amount retyped "
        "double -> string, input country removed (against version 3), so semver must be 2.0.0 or "
        "above, not 1.10.0"
    ]
    assert errors(root) == [("semver-break", V.format(4), 11)]
    # a version without a signature is compared with nothing: v5 then breaks v3's, with a major bump
    semver_reg.write(V.format(4), semver_reg.read(V.format(4)).split("signature:")[0])
    assert errors(root) == []


def test_the_break_is_one_definition() -> None:
    change = signature_change(SIG2, SIG3)
    assert change.bump == "major"
    assert change.summary() == "input amount retyped double -> string, input country removed"
    assert signature_change(SIG1, SIG2).bump == "minor"
    assert signature_change(SIG1, {**SIG1, "outputs": []}).summary() == "output label removed"
    assert signature_change(SIG1, None).bump == "patch"  # nothing to compare
    shaped = signature_change(
        {"inputs": [{"type": "tensor", "shape": [-1, 3]}]}, {"inputs": [{"type": "tensor", "shape": [-1, 4]}]}
    )
    assert shaped.summary() == "input #0 retyped tensor[-1, 3] -> tensor[-1, 4]"


# -- the checker: against a base ---------------------------------------------------------


def test_switching_semver_on_may_add_semver_to_existing_versions(reg: RegistryBuilder) -> None:
    model = "models/fraud-detector/model.yaml"
    for number in (1, 2, 3):
        path = f"models/fraud-detector/versions/{number}.yaml"
        reg.edit(path, "stage:", f"semver: 1.{number}.0\nstage:")
    # without versioning: semver, the semvers are unexpected, and added to fixed records
    found = {(rule, line) for rule, path, line in errors(reg.root, "HEAD") if path.endswith("/1.yaml")}
    assert found == {("semver-unexpected", 3), ("immutable-field", 3)}
    reg.write(model, reg.read(model) + "versioning: semver\n")
    assert errors(reg.root, "HEAD") == []
    proc = cli(reg.root, "check", "--base", "HEAD")
    assert proc.returncode == 0, proc.stdout
    reg.commit("fraud-detector uses semantic versions")
    # once there, a semver is fixed like any other field
    reg.edit("models/fraud-detector/versions/2.yaml", "semver: 1.2.0", "semver: 1.2.1")
    assert errors(reg.root, "HEAD") == [("immutable-field", "models/fraud-detector/versions/2.yaml", 3)]
    proc = cli(reg.root, "check", "--base", "HEAD")
    assert proc.returncode == 1
    assert "semver of an existing version cannot change (was '1.2.0', now '1.2.1')" in proc.stdout


def test_changing_an_existing_semver_fails_against_the_base(semver_reg: RegistryBuilder) -> None:
    semver_reg.edit(V.format(5), "semver: 2.0.0", "semver: 3.0.0")  # still in order: only the base sees it
    assert errors(semver_reg.root) == []
    assert errors(semver_reg.root, "HEAD") == [("immutable-field", V.format(5), 11)]
    semver_reg.edit(V.format(5), "semver: 3.0.0\n", "")
    assert sorted(errors(semver_reg.root, "HEAD")) == [
        ("immutable-field", V.format(5), 1),
        ("semver-missing", V.format(5), 1),
    ]
