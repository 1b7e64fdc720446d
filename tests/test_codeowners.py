"""``registry codeowners``: CODEOWNERS from the models' owners, on real registries."""

from __future__ import annotations

import yaml

from registry import codeowners
from registry.problems import WARNING
from registry.records import Model
from tests.builder import RegistryBuilder, cli as run

GITHUB_FILE = ".github/CODEOWNERS"
MODEL = "models/fraud-detector/model.yaml"
HEADER = "\n".join(codeowners.HEADER)


def _block(*lines: str) -> str:
    return "\n".join([codeowners.BEGIN, HEADER, *lines, codeowners.END]) + "\n"


def _owned(reg: RegistryBuilder) -> None:
    """The baseline (fraud-detector owned by an email, base-encoder by nobody)
    and a model owned by a user, a team and an email."""
    reg.model(
        "churn-predictor", description="Churn.", owners=["@dan", "@example-org/growth-ds", "erin@example.com"]
    )
    reg.version("churn-predictor", 1)
    reg.commit("churn-predictor")


def test_codeowners_writes_a_line_per_model_with_user_team_and_email_owners(reg: RegistryBuilder) -> None:
    _owned(reg)
    proc = run(reg.root, "codeowners")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "created .github/CODEOWNERS (2 model(s) with owners, github)\n"
    assert reg.read(GITHUB_FILE) == _block(  # base-encoder has no owners: no line
        "/models/churn-predictor/ @dan @example-org/growth-ds erin@example.com",
        "/models/fraud-detector/ alice@example.com",
    )


def test_check_passes_right_after_writing_and_the_file_is_not_rewritten(reg: RegistryBuilder) -> None:
    _owned(reg)
    assert run(reg.root, "codeowners").returncode == 0
    written = (reg.root / GITHUB_FILE).stat().st_mtime_ns
    proc = run(reg.root, "codeowners", "--check")
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    assert ".github/CODEOWNERS is up to date" in proc.stderr
    proc = run(reg.root, "codeowners")
    assert proc.stdout.startswith(".github/CODEOWNERS is up to date")
    assert (reg.root / GITHUB_FILE).stat().st_mtime_ns == written


def test_check_fails_with_a_diff_after_an_owner_changes(reg: RegistryBuilder) -> None:
    assert run(reg.root, "codeowners").returncode == 0
    before = reg.read(GITHUB_FILE)
    reg.edit(MODEL, "- alice@example.com", "- bob@example.com\n- '@fraud-lead'")
    proc = run(reg.root, "codeowners", "--check")
    assert proc.returncode == 1
    assert (
        "-/models/fraud-detector/ alice@example.com\n+/models/fraud-detector/ bob@example.com @fraud-lead"
        in (proc.stdout)
    )
    assert proc.stdout.startswith("--- a/.github/CODEOWNERS\n+++ b/.github/CODEOWNERS\n")
    assert "is out of date with the models' owners: run `registry codeowners`" in proc.stderr
    assert reg.read(GITHUB_FILE) == before, "--check writes nothing"


def test_check_fails_when_the_file_is_missing(reg: RegistryBuilder) -> None:
    proc = run(reg.root, "codeowners", "--check")
    assert proc.returncode == 1
    assert proc.stdout.startswith("--- /dev/null\n+++ b/.github/CODEOWNERS\n")
    assert ".github/CODEOWNERS does not exist" in proc.stderr
    assert not (reg.root / ".github").exists()


def test_hand_written_lines_outside_the_block_survive_regeneration(reg: RegistryBuilder) -> None:
    reg.write(GITHUB_FILE, "# ours\n* @example-org/ml-platform\n/registry.yaml @example-org/ml-admins\n")
    assert run(reg.root, "codeowners").returncode == 0
    text = reg.read(GITHUB_FILE)
    assert text.startswith(
        "# ours\n* @example-org/ml-platform\n/registry.yaml @example-org/ml-admins\n\n# BEGIN"
    )
    reg.write(GITHUB_FILE, text + "/models/fraud-detector/versions/ @example-org/release\n")
    reg.edit(MODEL, "- alice@example.com", "- bob@example.com")
    proc = run(reg.root, "codeowners")
    assert proc.stdout == "wrote .github/CODEOWNERS (1 model(s) with owners, github)\n", proc.stderr
    assert reg.read(GITHUB_FILE) == (
        "# ours\n* @example-org/ml-platform\n/registry.yaml @example-org/ml-admins\n\n"
        + _block("/models/fraud-detector/ bob@example.com")
        + "/models/fraud-detector/versions/ @example-org/release\n"
    )


def test_gitlab_writes_the_root_codeowners_and_accepts_subgroups(reg: RegistryBuilder) -> None:
    reg.write("registry.yaml", reg.read("registry.yaml") + "forge: https://gitlab.example.com/ml/registry\n")
    reg.edit(MODEL, "- alice@example.com", "- '@ml/fraud/reviewers'")
    proc = run(reg.root, "codeowners")
    assert proc.stdout == "created CODEOWNERS (1 model(s) with owners, gitlab)\n", proc.stderr
    assert "/models/fraud-detector/ @ml/fraud/reviewers\n" in reg.read("CODEOWNERS")
    assert not (reg.root / GITHUB_FILE).exists()
    # On GitHub a team has no subgroups: the owner is refused, not written
    # (GitHub reads the root CODEOWNERS too, so that file is the one kept).
    proc = run(reg.root, "codeowners", "--forge", "github")
    assert proc.returncode == 1
    assert "owner '@ml/fraud/reviewers' cannot be a github CODEOWNERS owner" in proc.stderr
    assert "# /models/fraud-detector/: none of its owners can be written here" in reg.read("CODEOWNERS")
    assert not (reg.root / GITHUB_FILE).exists()


def test_an_existing_file_at_another_known_location_is_the_one_written(reg: RegistryBuilder) -> None:
    reg.write("docs/CODEOWNERS", "* @example-org/ml-platform\n")
    proc = run(reg.root, "codeowners")
    assert proc.stdout.startswith("wrote docs/CODEOWNERS"), proc.stderr
    assert "/models/fraud-detector/ alice@example.com" in reg.read("docs/CODEOWNERS")
    assert not (reg.root / GITHUB_FILE).exists()


def test_output_is_relative_to_the_current_folder(reg: RegistryBuilder) -> None:
    folder = reg.root / "models" / "fraud-detector"
    proc = run(folder, "codeowners", "--output", "OWNERS")
    assert proc.stdout.startswith("created models/fraud-detector/OWNERS"), proc.stderr
    assert (folder / "OWNERS").is_file()


def test_hostile_owners_are_reported_and_cannot_add_lines(reg: RegistryBuilder) -> None:
    hostile = [
        "bob smith",
        "@evil\n* @attacker",
        "@evil\r/registry.yaml @attacker",
        "# not a comment",
        "/models/base-encoder/ @attacker",
        "../../etc/passwd",
        "@user#x",
        "alice",
        "@ok-user",
    ]
    reg.write(MODEL, yaml.safe_dump({"description": "Detects fraud.", "owners": hostile}))
    proc = run(reg.root, "codeowners")
    assert proc.returncode == 1
    refused = [line for line in proc.stderr.splitlines() if ": codeowners: owner " in line]
    assert len(refused) == len(hostile) - 1, proc.stderr
    assert all(line.startswith(f"{MODEL}:") and line.endswith("it was left out") for line in refused)
    assert "(a forge handle starts with @: '@alice')" in proc.stderr
    rules = [line for line in reg.read(GITHUB_FILE).splitlines() if not line.startswith("#")]
    assert rules == ["/models/fraud-detector/ @ok-user"]
    assert "attacker" not in reg.read(GITHUB_FILE)


def test_broken_markers_refuse_to_write(reg: RegistryBuilder) -> None:
    text = f"* @example-org/ml-platform\n{codeowners.BEGIN}\n/models/x/ @someone\n"
    reg.write(GITHUB_FILE, text)
    proc = run(reg.root, "codeowners")
    assert proc.returncode == 1
    assert "found 1 BEGIN and 0 END: fix the markers by hand" in proc.stderr
    assert reg.read(GITHUB_FILE) == text


def test_an_unreadable_model_file_refuses_rather_than_dropping_its_line(reg: RegistryBuilder) -> None:
    assert run(reg.root, "codeowners").returncode == 0
    before = reg.read(GITHUB_FILE)
    reg.write(MODEL, "owners: [alice@example.com\n")
    proc = run(reg.root, "codeowners")
    assert proc.returncode == 1
    assert f"{MODEL}: cannot be read, so the owners are unknown; `registry check` says why" in proc.stderr
    assert reg.read(GITHUB_FILE) == before


# -- the pure part ---------------------------------------------------------


def _model(name: str, *owners: str) -> Model:
    return Model(name, f"models/{name}/model.yaml", "", owners, {}, {}, (), None, {})


def test_a_model_name_that_fails_the_rule_gets_no_line() -> None:
    out = codeowners.block([_model("a b/../x", "@ok"), _model("fine", "@ok", "@OK")], codeowners.GITHUB)
    assert out.text == _block("/models/fine/ @ok")
    assert [(p.severity, p.path) for p in out.problems] == [(WARNING, "models/a b/../x/model.yaml")]


def test_splice_keeps_crlf_and_is_idempotent() -> None:
    generated = codeowners.block([_model("fine", "@ok")], codeowners.GITHUB).text
    mine = "* @org/admins\r\n"
    once = codeowners.splice(mine, generated)
    assert once == mine + "\r\n" + generated.replace("\n", "\r\n")
    assert codeowners.splice(once, generated) == once
    assert codeowners.splice(None, generated) == generated


def test_default_location_follows_each_forge_search_order() -> None:
    assert codeowners.default_location("github", []) == ".github/CODEOWNERS"
    assert codeowners.default_location("github", ["docs/CODEOWNERS", "CODEOWNERS"]) == "CODEOWNERS"
    assert codeowners.default_location("gitlab", [".github/CODEOWNERS"]) == "CODEOWNERS"
    assert codeowners.default_location("gitlab", [".gitlab/CODEOWNERS"]) == ".gitlab/CODEOWNERS"


def test_owner_forms() -> None:
    ok = ["a@example.com", "first.last+ml@sub.example.co.uk", "@octocat", "@org/team-name", "@user_emu"]
    assert [codeowners.owner_entry(o, "github") for o in ok] == ok
    for bad in ["", "@", "@-x", "a@b", "@org/team/sub", "@a b", "x@example.com\n", "@a\\b", 3]:
        assert codeowners.owner_entry(bad, "github") is None, bad
    assert codeowners.owner_entry("@group/sub/team", "gitlab") == "@group/sub/team"
    assert codeowners.owner_entry("@group/../team", "gitlab") is None
