"""Text from records and commits reaches a terminal escaped; ``--json`` stays exact."""

from __future__ import annotations

import json
import re

from tests.builder import RegistryBuilder, cli

V3 = "models/fraud-detector/versions/3.yaml"
HOSTILE = "\x1b[2J\x07\x00\rkept\u202eevil\x9b31m"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What a terminal acts on: C0 and C1 controls (tab and newline aside) and bidi overrides."""


def _hostile(reg: RegistryBuilder) -> None:
    text = json.dumps(HOSTILE)
    reg.edit(V3, "metrics:\n", f"tags: {{note: {text}}}\nparams: {{p: {text}}}\nmetrics:\n")
    reg.edit(V3, "lineage:\n", f"lineage:\n  data: [{{name: {text}, path: data/x.csv}}]\n")
    reg.edit("models/fraud-detector/model.yaml", "description: Detects fraud.", f"description: {text}")
    reg.commit("hostile text")
    assert reg.check() == []


def test_show_escapes_control_and_bidi_characters_from_tag_values(reg: RegistryBuilder) -> None:
    _hostile(reg)
    for ref in ("fraud-detector/3", "fraud-detector"):
        proc = cli(reg.root, "show", ref)
        assert proc.returncode == 0, proc.stderr
        assert not RAW.search(proc.stdout) and "\nkept" not in proc.stdout, repr(proc.stdout)
    assert "\\x1b[2J\\x07\\x00\\rkept\\u202eevil\\x9b31m" in cli(reg.root, "show", "fraud-detector/3").stdout


def test_json_output_keeps_the_exact_text(reg: RegistryBuilder) -> None:
    _hostile(reg)
    shown = json.loads(cli(reg.root, "show", "fraud-detector/3", "--json").stdout)
    assert shown["tags"]["note"] == HOSTILE


def test_every_human_readable_read_escapes_record_text(reg: RegistryBuilder) -> None:
    _hostile(reg)
    for args in (
        ["list"],
        ["search", "tags.note LIKE '%kept%'"],
        ["compare", "fraud-detector", "2", "3"],
        ["lineage", "fraud-detector/3"],
        ["lineage", "fraud-detector/3", "--dot"],
        ["lineage", "fraud-detector/3", "--mermaid"],
        ["history"],
    ):
        proc = cli(reg.root, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert not RAW.search(proc.stdout + proc.stderr), (args, proc.stdout)
        assert "\nkept" not in proc.stdout  # a carriage return (text mode reads it as a newline)
    assert "kept" in cli(reg.root, "compare", "fraud-detector", "2", "3").stdout


def test_history_escapes_a_reason_trailer(reg: RegistryBuilder) -> None:
    """An OSC 52 sequence would set the reader's clipboard."""
    reg.edit(V3, "stage: staging", "stage: none")
    reg.commit("demote\n\nReason: \x1b]52;c;cm0gLXJmIH4=\x07 see ticket")
    proc = cli(reg.root, "history", "fraud-detector")
    assert proc.returncode == 0, proc.stderr
    assert "see ticket" in proc.stdout and not RAW.search(proc.stdout), repr(proc.stdout)
    assert "\\x1b]52;c;cm0gLXJmIH4=\\x07" in proc.stdout
    events = json.loads(cli(reg.root, "history", "fraud-detector", "--json").stdout)
    assert any(e.get("reason") == "\x1b]52;c;cm0gLXJmIH4=\x07 see ticket" for e in events)


def test_an_error_that_quotes_record_text_is_escaped(reg: RegistryBuilder) -> None:
    reg.edit(V3, "stage: staging", 'stage: "staging\\x1b[31m"')
    proc = cli(reg.root, "check")
    assert proc.returncode == 1 and V3 in proc.stdout
    assert not RAW.search(proc.stdout + proc.stderr), repr(proc.stdout)
    proc = cli(reg.root, "show", "models:/fraud-detector@\x1b[31mred")
    assert proc.returncode != 0 and not RAW.search(proc.stdout + proc.stderr), repr(proc.stderr)
