"""What a folder artifact is, read from its own files at register time: an
MLflow model's MLmodel, a Hugging Face config.json. Read as bounded data
(MLflow is never imported), shown by show, the catalog and the JSON API."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from registry import Registry, formats, write
from tests.builder import RegistryBuilder, cli

M = "models/clf"
RUN = "0123456789abcdef0123456789abcdef"

# As MLflow 2.x writes it for mlflow.sklearn.save_model(model, path, signature=...)
MLMODEL = f"""artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.9
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.5.2
mlflow_version: 2.16.2
model_size_bytes: 1024
model_uuid: 4b3e6bf8d8a54a9c9d0d2b3e0c1a2b3c
run_id: {RUN}
signature:
  inputs: '[{{"type": "double", "name": "amount", "required": true}}, {{"type": "string",
    "name": "country", "required": false}}]'
  outputs: '[{{"type": "tensor", "tensor-spec": {{"dtype": "int64", "shape": [-1]}}}}]'
  params: '[{{"name": "threshold", "type": "double", "default": 0.5, "shape": null}}]'
utc_time_created: '2024-09-30 10:00:00.000000'
"""


@pytest.fixture
def repo(dvc_repo: RegistryBuilder) -> RegistryBuilder:
    return dvc_repo


def mlflow_folder(where: Path, mlmodel: str = MLMODEL) -> Path:
    folder = where / "model"
    folder.mkdir(parents=True)
    (folder / "MLmodel").write_text(mlmodel, encoding="utf-8")
    (folder / "model.pkl").write_bytes(b"\x80\x04pickled")
    (folder / "requirements.txt").write_text("scikit-learn==1.5.2\n", encoding="utf-8")
    return folder


def hf_folder(where: Path, config: object) -> Path:
    folder = where / "checkpoint"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\x00" * 64)
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    return folder


def test_an_mlmodel_gives_the_record_its_flavors_signature_and_run(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    write.register(repo.root, "clf", mlflow_folder(tmp_path))
    v = Registry(repo.root).get("clf/1")
    assert v.raw["artifact"]["format"] == {
        "kind": "mlflow",
        "mlflow_version": "2.16.2",
        "python_version": "3.11.9",
        "flavors": {"python_function": {"loader_module": "mlflow.sklearn"}, "sklearn": {"version": "1.5.2"}},
    }
    assert v.signature == {
        "inputs": [
            {"name": "amount", "type": "double"},
            {"name": "country", "type": "string", "optional": True},
        ],
        "outputs": [{"type": "int64", "shape": [-1]}],
        "params": [{"name": "threshold", "type": "double", "default": 0.5}],
    }
    assert v.lineage.run is not None and v.lineage.run.id == RUN
    assert repo.check() == []
    fmt = v.format
    assert fmt is not None
    assert fmt.summary() == (
        "MLflow model: python_function (mlflow.sklearn), sklearn 1.5.2; MLflow 2.16.2, Python 3.11.9"
    )


def test_what_the_user_gives_wins_over_the_mlmodel(repo: RegistryBuilder, tmp_path: Path) -> None:
    sig = tmp_path / "signature.yaml"
    sig.write_text("inputs:\n  - {name: x, type: float}\n", encoding="utf-8")
    proc = cli(
        repo.root, "register", "clf", str(mlflow_folder(tmp_path)), "--signature", str(sig), "--run-id", "r1"
    )
    assert proc.returncode == 0, proc.stderr
    v = Registry(repo.root).get("clf/1")
    assert v.signature == {"inputs": [{"name": "x", "type": "float"}]}
    assert v.lineage.run is not None and v.lineage.run.id == "r1"
    # an MLmodel file is a signature file too
    mlmodel = tmp_path / "MLmodel"
    mlmodel.write_text(MLMODEL, encoding="utf-8")
    proc = cli(
        repo.root, "register", "other", str(tmp_path / "model" / "model.pkl"), "--signature", str(mlmodel)
    )
    assert proc.returncode == 0, proc.stderr
    assert Registry(repo.root).get("other/1").signature["outputs"] == [{"type": "int64", "shape": [-1]}]


def test_show_the_json_api_and_the_catalog_say_how_to_load_it(repo: RegistryBuilder, tmp_path: Path) -> None:
    write.register(repo.root, "clf", mlflow_folder(tmp_path))
    proc = cli(repo.root, "show", "clf/1")
    assert proc.returncode == 0, proc.stderr
    assert "  format:  MLflow model: python_function (mlflow.sklearn), sklearn 1.5.2;" in proc.stdout
    assert "  pull:    registry pull models:/clf/1\n" in proc.stdout
    assert "  load:    import mlflow\n" in proc.stdout
    assert "  inputs: amount: double, country: string?\n  outputs: int64[-1]\n" in proc.stdout
    assert "model = mlflow.pyfunc.load_model('models/clf/artifacts/1/model')" in proc.stdout
    assert "# or natively: model = mlflow.sklearn.load_model('models/clf/artifacts/1/model')" in proc.stdout
    view = json.loads(cli(repo.root, "show", "clf/1", "--json").stdout)
    assert view["pull"] == "registry pull models:/clf/1"
    assert view["load"].startswith("import mlflow\nmodel = mlflow.pyfunc.load_model(")
    assert view["artifact"]["format"]["flavors"]["sklearn"] == {"version": "1.5.2"}
    out = tmp_path / "site"
    proc = cli(repo.root, "site", "generate", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    page = (out / "models" / "clf" / "index.md").read_text(encoding="utf-8")
    assert "<strong>Format:</strong> MLflow model: python_function (mlflow.sklearn), sklearn 1.5.2" in page
    assert "mlflow.pyfunc.load_model(&#39;models/clf/artifacts/1/model&#39;)" in page
    api = json.loads((out / "api" / "models" / "clf" / "1.json").read_text(encoding="utf-8"))
    assert api["load"] == view["load"] and api["artifact"]["nfiles"] == 3


def test_a_hugging_face_checkpoint_gets_its_architecture(repo: RegistryBuilder, tmp_path: Path) -> None:
    config = {
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "transformers_version": "4.44.2",
    }
    write.register(repo.root, "clf", hf_folder(tmp_path, config))
    v = Registry(repo.root).get("clf/1")
    assert v.raw["artifact"]["format"] == {"kind": "huggingface", **config}
    proc = cli(repo.root, "show", "clf/1")
    assert (
        "format:  Hugging Face: BertForSequenceClassification (model type bert, transformers 4.44.2)"
        in proc.stdout
    )
    assert "from transformers import BertForSequenceClassification" in proc.stdout
    assert "BertForSequenceClassification.from_pretrained('models/clf/artifacts/1/checkpoint')" in proc.stdout
    assert repo.check() == []


def test_a_config_json_of_something_else_is_no_format(repo: RegistryBuilder, tmp_path: Path) -> None:
    write.register(repo.root, "clf", hf_folder(tmp_path, {"learning_rate": 0.1}))
    assert "format" not in Registry(repo.root).get("clf/1").raw["artifact"]


HOSTILE = {
    "python object": "flavors: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
    "not yaml": "flavors: [unclosed\n",
    "no flavors": "mlflow_version: 2.16.2\n",
    "newline in a flavor name": 'flavors:\n  "sklearn\\n": {}\n',
    "code in a flavor name": 'flavors:\n  "os; import os": {}\n',
    "alias bomb": "a: &a [x, x]\nb: &b [*a, *a]\nflavors: {sklearn: {}}\n",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_mlmodel_is_read_as_nothing_with_a_warning(
    repo: RegistryBuilder, tmp_path: Path, kind: str
) -> None:
    proc = cli(repo.root, "register", "clf", str(mlflow_folder(tmp_path, HOSTILE[kind])))
    assert proc.returncode == 0, proc.stderr
    assert "warning: " in proc.stderr and "MLmodel: not read" in proc.stderr, proc.stderr
    v = Registry(repo.root).get("clf/1")
    assert "format" not in v.raw["artifact"] and v.signature is None
    assert not Path("/tmp/pwned").exists()
    assert repo.check() == []


def test_values_that_are_not_what_the_record_holds_are_dropped() -> None:
    text = MLMODEL.replace("mlflow_version: 2.16.2", "mlflow_version: '2.16; rm -rf /'")
    text = text.replace("loader_module: mlflow.sklearn", "loader_module: 'mlflow.sklearn\\n'")
    text = text.replace(f"run_id: {RUN}", "run_id: not-a-run")
    found = formats.mlmodel(text.encode())
    assert found is not None and found.format is not None
    assert "mlflow_version" not in found.format and found.format["flavors"]["python_function"] == {}
    assert found.run_id is None
    # a signature part MLflow would not write drops the signature, not the register
    broken = MLMODEL.replace('"type": "double", "name": "amount"', '"name": "amount"')
    found = formats.mlmodel(broken.encode())
    assert found is not None and found.signature is None and found.format is not None
    with pytest.raises(ValueError, match="NaN is not a JSON number"):
        formats.hf_config(b'{"model_type": NaN}')


def test_a_record_that_claims_a_bad_format_is_refused_by_the_checker(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    write.register(repo.root, "clf", mlflow_folder(tmp_path))
    record = f"{M}/versions/1.yaml"
    repo.edit(record, "kind: mlflow", "kind: pickle")
    assert "schema" in {p.rule for p in repo.check()}
    repo.edit(record, "kind: pickle", "kind: mlflow")
    repo.edit(record, 'sklearn: {version: "1.5.2"}', '"sklearn\\n": {version: "1.5.2"}')
    assert "schema" in {p.rule for p in repo.check()}


def test_pull_one_file_of_a_folder(repo: RegistryBuilder, tmp_path: Path) -> None:
    folder = mlflow_folder(tmp_path)
    write.register(repo.root, "clf", folder, push=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True)
    out = tmp_path / "out"
    out.mkdir()
    proc = cli(clone, "pull", "clf/1", "--file", "MLmodel", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out / "MLmodel")
    assert (out / "MLmodel").read_bytes() == (folder / "MLmodel").read_bytes()
    assert [p.name for p in out.iterdir()] == ["MLmodel"]
    assert not (clone / M / "artifacts/1/model").exists()  # no half folder in the work tree
    # with the manifest cached, one file is fetched alone
    cache = clone / ".dvc" / "cache" / "files" / "md5"
    for p in cache.rglob("*"):
        if p.is_file() and not p.name.endswith(".dir"):
            p.chmod(0o644)
            p.unlink()
    got = Registry(clone).pull("clf/1", out, file="requirements.txt")
    assert got.read_bytes() == (folder / "requirements.txt").read_bytes()
    assert len([p for p in cache.rglob("*") if p.is_file() and not p.name.endswith(".dir")]) == 1
    proc = cli(clone, "pull", "clf/1", "--file", "nope.txt", "-o", str(out))
    assert proc.returncode != 0 and "has no file 'nope.txt'" in proc.stderr
    proc = cli(clone, "pull", "clf/1", "--file", "../../etc/passwd", "-o", str(out))
    assert proc.returncode != 0 and "has no file" in proc.stderr


def test_the_catalog_builds_with_no_dvc_cache(repo: RegistryBuilder, tmp_path: Path) -> None:
    write.register(repo.root, "clf", mlflow_folder(tmp_path), push=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True)
    assert not (clone / ".dvc" / "cache").exists()
    out = tmp_path / "site"
    proc = cli(clone, "site", "generate", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    page = (out / "models" / "clf" / "index.md").read_text(encoding="utf-8")
    assert "a folder of 3 files" in page and "<strong>Format:</strong> MLflow model" in page
    assert "registry pull models:/clf/1" in page
    assert not (clone / ".dvc" / "cache").exists()
