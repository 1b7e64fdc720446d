"""The lineage graph: datasets and code upstream, fine-tuned versions downstream."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from registry import Registry, lineage, write
from registry.errors import UsageError
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


def test_datasets_outside_the_registry_are_recorded_and_drawn(tmp_path: Path) -> None:
    repo = RegistryBuilder(tmp_path / "registry")
    repo.init_dvc(tmp_path / "remote")
    repo.write("registry.yaml", "{}\n")
    repo.commit("a registry")
    elsewhere = tmp_path / "lake" / "train.parquet"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"rows" * 1000)
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"w" * 100)
    proc = cli(
        repo.root,
        "register",
        "clf",
        str(weights),
        "--data",
        str(elsewhere),
        "--data",
        "s3://bucket/features/2026-11.parquet,etag=9b2cf535f27731c974343645a3985328,version=2026-11",
        "--data",
        "repo=https://github.com/org/data-registry,path=data/labels.csv,rev=v1.2,md5=" + "a" * 32,
        "--data",
        "hf://datasets/imdb",
    )
    assert proc.returncode == 0, proc.stderr
    assert not list((repo.root / "models").rglob("train.parquet"))  # hashed where it is, not copied
    data = Registry(repo.root).get("clf/1").lineage.data
    assert [d.where for d in data] == [
        elsewhere.as_uri(),
        "s3://bucket/features/2026-11.parquet",
        "https://github.com/org/data-registry:data/labels.csv@v1.2",
        "hf://datasets/imdb",
    ]
    assert data[0].md5 == hashlib.md5(elsewhere.read_bytes()).hexdigest()
    assert (data[1].etag, data[1].version, data[1].name) == (
        "9b2cf535f27731c974343645a3985328",
        "2026-11",
        "2026-11",
    )
    drawn = cli(repo.root, "lineage", "clf/1")
    assert drawn.returncode == 0, drawn.stderr
    for d in data:
        assert d.where in drawn.stdout
    with pytest.raises(UsageError, match="unknown colour"):
        Registry(repo.root).register("clf", weights, data=[{"uri": "s3://b/k", "colour": "red"}])
    bad = cli(repo.root, "register", "clf", str(weights), "--data", "repo=https://github.com/org/d")
    assert bad.returncode == 2 and "names its path= too" in bad.stderr
