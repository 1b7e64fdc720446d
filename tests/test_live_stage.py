"""The live stage and alias are what registry.yaml says they are: a registry
whose stages are called dev, candidate, prod and retired shows its prod
holder wherever the default registry shows its production holder, and
colours its stages by what they are for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.builder import RegistryBuilder, cli

RENAMED = """\
stages: [dev, candidate, prod, retired]
transitions:
  dev: [candidate, retired]
  candidate: [prod, dev, retired]
  prod: [retired, candidate]
  retired: [candidate]
single_holder: [prod]
archive_stage: retired
live_alias: serving
policy:
  gates:
    prod:
      from: [candidate]
      metrics: {f1: ">= 0.9", auc: ">= 0.5"}
  aliases:
    serving: {stage: prod}
"""


@pytest.fixture
def renamed(tmp_path: Path) -> RegistryBuilder:
    reg = RegistryBuilder(tmp_path / "repo")
    reg.write("registry.yaml", RENAMED)
    reg.model("scorer", description="Scores.", aliases={"serving": 2, "challenger": 3})
    reg.version("scorer", 1, "retired", metrics={"auc": 0.70, "f1": 0.91})
    reg.version("scorer", 2, "prod", metrics={"auc": 0.81, "f1": 0.93})
    reg.version("scorer", 3, "candidate", metrics={"auc": 0.83, "f1": 0.94})
    reg.version("scorer", 4, "dev", metrics={"auc": 0.84, "f1": 0.92})
    reg.commit("a registry with its own stage names")
    assert reg.check() == []
    return reg


def test_list_shows_the_live_stage_and_the_one_before_it(renamed: RegistryBuilder) -> None:
    proc = cli(renamed.root, "list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["MODEL", "VERSIONS", "LATEST", "PROD", "CANDIDATE", "ALIASES"]
    assert lines[2].split() == ["scorer", "4", "4", "2", "3", "challenger=3", "serving=2"]
    listed = json.loads(cli(renamed.root, "list", "--json").stdout)
    assert listed[0]["production"] == [2]  # the key programs read, filled from the live stage


def test_catalog_shows_the_live_holder_and_colours_stages_by_role(
    renamed: RegistryBuilder, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    proc = cli(renamed.root, "site", "build", "--strict", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    home = (out / "index.html").read_text()
    assert re.search(r"<h2 id=\"in-prod\">In prod", home)
    assert "<th>Prod</th>" in home
    row = re.search(
        r"<tr><td class=\"nowrap\"><a href=\"models/scorer/index.html\">scorer</a></td>(.*?)</tr>", home
    )
    assert row is not None
    assert row.group(1).startswith(
        '<td><a href="models/scorer/index.html#version-2">v2</a> <small>@serving</small></td>'
        "<td>f1 = 0.93</td>"  # the key metric: the first of the prod gate's
    ), row.group(1)
    index = (out / "models/index.html").read_text()
    assert '<th data-sort="number">Prod</th>' in index and "<td>v2 </td>" in index
    assert json.loads((out / "api/models.json").read_text())[0]["production"] == [2]
    assert json.loads((out / "api/models/scorer.json").read_text())["production"] == [2]

    css = (out / "assets/registry.css").read_text()
    colours = {"prod": "#2e7d32", "candidate": "#1565c0", "retired": "#757575", "dev": "#6d4c41"}
    for stage, colour in colours.items():
        rule = f".registry-stage.stage-{stage}, .registry-column.stage-{stage} h4 {{ background: {colour}; }}"
        assert rule in css, stage
    assert "stage-production" not in css
    page = (out / "models/scorer/index.html").read_text()
    for n, stage in ((1, "retired"), (2, "prod"), (3, "candidate"), (4, "dev")):
        assert re.search(
            rf'<circle [^>]* fill="{colours[stage]}"><title>v{n}: [0-9.]+ \({stage}\)</title>', page
        )
    lineage = (out / "lineage/scorer.html").read_text()
    assert re.search(
        r'<rect [^>]* fill="#2e7d32"[^>]*/><text [^>]*>scorer/2</text><text [^>]*>prod</text>', lineage
    )


def test_without_a_live_stage_nothing_shows_one(renamed: RegistryBuilder, tmp_path: Path) -> None:
    renamed.edit("registry.yaml", "single_holder: [prod]", "single_holder: []")
    renamed.edit("registry.yaml", "  aliases:\n    serving: {stage: prod}\n", "")
    assert renamed.check() == []
    proc = cli(renamed.root, "list")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].split() == ["MODEL", "VERSIONS", "LATEST", "ALIASES"]
    assert json.loads(cli(renamed.root, "list", "--json").stdout)[0]["production"] == []
    out = tmp_path / "pages"
    assert cli(renamed.root, "site", "generate", "--out", str(out)).returncode == 0
    home = (out / "index.md").read_text()
    assert "\n## Models\n" in home and "@serving" not in home
    assert "<thead><tr><th>Model</th><th>Key metric</th><th>About</th></tr></thead>" in home
    index = (out / "models/index.md").read_text()
    assert '<th data-sort="text">Owners</th><th data-sort="number">Latest</th>' in index
    assert (
        "stage-prod, .registry-column.stage-prod h4 { background: #1565c0; }"
        in (out / "assets/registry.css").read_text()
    )  # prod is now a stage like any other


def test_rollback_and_show_use_the_live_stage(renamed: RegistryBuilder) -> None:
    """No --stage: rollback puts back the previous holder of prod, and show's
    JSON fills its production key from prod."""
    shown = json.loads(cli(renamed.root, "show", "scorer", "--json").stdout)
    assert shown["production"] == [2]
    # v3 goes to prod (v2 retired), then rollback returns v2 to prod
    proc = cli(renamed.root, "promote", "scorer", "3", "prod")
    assert proc.returncode == 0, proc.stderr
    proc = cli(renamed.root, "rollback", "scorer", "--to", "2")
    assert proc.returncode == 0, proc.stderr
    assert "stage: prod" in renamed.read("models/scorer/versions/2.yaml")
    assert "stage: retired" in renamed.read("models/scorer/versions/3.yaml")
