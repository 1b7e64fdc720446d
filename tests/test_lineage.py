"""The lineage graph: datasets and code upstream, fine-tuned versions downstream."""

from __future__ import annotations

import json
from pathlib import Path

from registry import lineage, write
from registry.load import load
from tests.builder import RegistryBuilder, cli

ROOT = Path(__file__).resolve().parent.parent


def test_example_lineage_of_a_fine_tuned_version() -> None:
    proc = cli(ROOT, "lineage", "support-ticket-router/2", "--upstream", "--json")
    assert proc.returncode == 0, proc.stderr
    graph = json.loads(proc.stdout)
    nodes = {n["id"]: n for n in graph["nodes"]}
    edges = {(e["source"], e["target"], e["kind"]) for e in graph["edges"]}
    assert ("model:sentiment-encoder/2", "model:support-ticket-router/2", "parent") in edges
    kinds = {nodes[s]["kind"] for s, t, _ in edges if t == "model:support-ticket-router/2"}
    assert kinds == {"version", "dataset", "code"}
    # Upstream only: nothing made from support-ticket-router appears.
    assert all(t != "model:support-ticket-router/3" for _, t, _ in edges)
    # The parent's own data and code are upstream too.
    assert any(t == "model:sentiment-encoder/2" and k == "data" for _, t, k in edges)


def test_downstream_of_a_base_model_and_text_output() -> None:
    proc = cli(ROOT, "lineage", "sentiment-encoder/2", "--downstream")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "sentiment-encoder/2 [production]"
    assert "  used by: support-ticket-router/2 [production]" in lines


def test_renamed_parent_is_drawn_under_its_new_name(reg: RegistryBuilder) -> None:
    write.rename(reg.root, "base-encoder", "text-encoder")
    graph = lineage.build(load(reg.root).models)
    parents = {(e.source, e.target) for e in graph.edges if e.kind == "parent"}
    assert parents == {("model:text-encoder/1", "model:fraud-detector/3")}
    assert all(not n.attrs.get("missing") for n in graph.nodes.values())


def test_dot_and_mermaid_escape_what_records_say() -> None:
    graph = lineage.Graph()
    a = graph.add(lineage.Node('data:x"y', "dataset", 'evil "quoted" \\ path\n<script>'))
    b = graph.add(lineage.Node("model:m/1", "version", "m/1", {"stage": "none"}))
    graph.edges.append(lineage.Edge(a, b, "data"))
    dot = lineage.to_dot(graph)
    assert '"data:x\\"y" [label="evil \\"quoted\\" \\\\ path\\n<script>", shape=cylinder];' in dot
    mermaid = lineage.to_mermaid(graph)
    assert '"' not in mermaid.split('[("', 1)[1].split('")]', 1)[0]
    assert "<script>" not in mermaid and "#60;script#62;" in mermaid


def test_unknown_version_is_a_usage_error() -> None:
    proc = cli(ROOT, "lineage", "fraud-detector/99")
    assert proc.returncode == 2 and "fraud-detector has no version 99" in proc.stderr
