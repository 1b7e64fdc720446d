"""Write the bytes behind the bundled example registry.

The example models under ``models/`` point at artifacts
(``models/<model>/artifacts/<N>/<file>``) and at training data
(``examples/data/<name>.csv``). Those files are tracked by DVC, and their
bytes live in the folder remote ``examples/dvc-remote/``, so a fresh clone
gets them with ``dvc pull``. This script is how they were made: run it from
anywhere, with any Python 3.11+, and it rewrites every file byte for byte.

The artifacts are placeholders, not loadable models: a short header naming
the model, version and format, followed by float32 weights drawn from a
random generator seeded from the file's path. The sentiment encoder's
``model.safetensors`` is a real (tiny) safetensors file. Two versions are
folders, as real models are: ``churn-predictor`` v4 is laid out as MLflow
saves a LightGBM model (``MLmodel``, environment files, the booster), and
``sentiment-encoder`` v4 as a Hugging Face checkpoint (``config.json``,
tokenizer files, safetensors weights). The CSVs are synthetic too. Nothing
here needs the network or a third-party package.

    python examples/make_artifacts.py
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import struct
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (model, version, file name, number of float32 weights)
ARTIFACTS = [
    ("fraud-detector", 1, "model.pkl", 320),
    ("fraud-detector", 2, "model.onnx", 1200),
    ("fraud-detector", 3, "model.onnx", 1500),
    ("fraud-detector", 4, "model.onnx", 1800),
    ("fraud-detector", 5, "model.onnx", 1800),
    ("churn-predictor", 1, "model.pkl", 400),
    ("churn-predictor", 2, "model.pkl", 900),
    ("churn-predictor", 3, "model.pkl", 1100),
    ("demand-forecaster", 1, "model.pkl", 256),
    ("demand-forecaster", 2, "model.onnx", 1000),
    ("demand-forecaster", 3, "model.onnx", 1300),
    ("demand-forecaster", 4, "model.onnx", 1600),
    ("sentiment-encoder", 1, "model.safetensors", 1536),
    ("sentiment-encoder", 2, "model.safetensors", 1792),
    ("sentiment-encoder", 3, "model.safetensors", 2048),
    ("support-ticket-router", 1, "model.onnx", 1100),
    ("support-ticket-router", 2, "model.onnx", 1400),
    ("support-ticket-router", 3, "model.onnx", 1400),
]


def rng_for(key: str) -> random.Random:
    """A generator seeded from ``key`` (never from Python's salted ``hash``)."""
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def float32s(rng: random.Random, count: int, scale: float = 0.1) -> bytes:
    return struct.pack(f"<{count}f", *(rng.gauss(0.0, scale) for _ in range(count)))


def placeholder(model: str, version: int, name: str, count: int) -> bytes:
    """Header line, JSON metadata line, then ``count`` little-endian float32s."""
    meta = {
        "model": model,
        "version": version,
        "format": name.rsplit(".", 1)[1],
        "weights": count,
        "note": "placeholder weights for the example registry; not a loadable model",
    }
    head = b"GMR-EXAMPLE-ARTIFACT\n" + json.dumps(meta, sort_keys=True).encode() + b"\n"
    return head + float32s(rng_for(f"{model}/{version}"), count)


def safetensors(model: str, version: int, count: int) -> bytes:
    """A valid safetensors file: token embeddings (N x 16) and a 16 x 16 pooler."""
    dim = 16
    rng = rng_for(f"{model}/{version}")
    tensors = {
        "embeddings.weight": ([count // dim - dim, dim], float32s(rng, count - dim * dim)),
        "pooler.dense.weight": ([dim, dim], float32s(rng, dim * dim)),
    }
    header: dict[str, object] = {"__metadata__": {"format": "pt", "model": model, "version": str(version)}}
    offset = 0
    for key, (shape, data) in tensors.items():
        header[key] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(data for _, data in tensors.values())


# -- folder artifacts ----------------------------------------------------------

CHURN_RUN = "5e0f3b1c9a7d4e2f8b6c1a0d9e8f7a6b"
CHURN_INPUTS = [
    ("plan", "string"),
    ("tenure_months", "long"),
    ("monthly_charges", "double"),
    ("logins_30d", "long"),
    ("support_calls_90d", "long"),
    ("logins_wow_change", "double"),
    ("downgraded_60d", "boolean"),
]


def mlflow_lightgbm() -> dict[str, bytes]:
    """``churn-predictor`` v4, as ``mlflow.lightgbm.save_model`` lays it out."""
    inputs = json.dumps([{"type": t, "name": n, "required": True} for n, t in CHURN_INPUTS])
    outputs = json.dumps([{"type": "double", "name": "churn_score", "required": True}])
    mlmodel = f"""artifact_path: model
flavors:
  lightgbm:
    code: null
    data: model.lgb
    lgb_version: 4.5.0
    model_class: lightgbm.basic.Booster
  python_function:
    data: model.lgb
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.lightgbm
    python_version: 3.11.9
mlflow_version: 2.17.2
model_size_bytes: 5731
model_uuid: 0c6d2f6a1e5b4c8d9a3f7e2b1d0c9a8e
run_id: {CHURN_RUN}
signature:
  inputs: '{inputs}'
  outputs: '{outputs}'
  params: null
utc_time_created: '2026-11-20 09:12:44.118203'
"""
    rng = rng_for("churn-predictor/4")
    booster = "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\n"
    booster += "feature_names=" + " ".join(n for n, _ in CHURN_INPUTS) + "\n"
    booster += "note=placeholder trees for the example registry; not a loadable model\n\n"
    for tree in range(24):
        leaves = " ".join(f"{rng.gauss(0, 0.1):.6f}" for _ in range(8))
        booster += f"Tree={tree}\nnum_leaves=8\nleaf_value={leaves}\n\n"
    return {
        "MLmodel": mlmodel.encode(),
        "conda.yaml": b"channels:\n- conda-forge\ndependencies:\n- python=3.11.9\n- pip<=24.2\n- pip:\n"
        b"  - mlflow==2.17.2\n  - lightgbm==4.5.0\nname: mlflow-env\n",
        "python_env.yaml": b"python: 3.11.9\nbuild_dependencies:\n- pip==24.2\ndependencies:\n- -r requirements.txt\n",
        "requirements.txt": b"mlflow==2.17.2\nlightgbm==4.5.0\n",
        "model.lgb": booster.encode(),
    }


def hf_checkpoint() -> dict[str, bytes]:
    """``sentiment-encoder`` v4, as ``save_pretrained`` lays out a checkpoint."""
    config = {
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "hidden_size": 16,
        "num_attention_heads": 2,
        "num_hidden_layers": 1,
        "vocab_size": 128,
        "id2label": {"0": "negative", "1": "positive"},
        "label2id": {"negative": 0, "positive": 1},
        "torch_dtype": "float32",
        "transformers_version": "4.46.3",
    }
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"tok{i}" for i in range(123)]
    tokenizer = {
        "version": "1.0",
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {t: i for i, t in enumerate(vocab)}},
    }
    return {
        "config.json": json.dumps(config, indent=2, sort_keys=True).encode() + b"\n",
        "model.safetensors": safetensors("sentiment-encoder", 4, 2304),
        "special_tokens_map.json": json.dumps(
            {"cls_token": "[CLS]", "pad_token": "[PAD]", "sep_token": "[SEP]", "unk_token": "[UNK]"}
        ).encode(),
        "tokenizer.json": json.dumps(tokenizer, sort_keys=True).encode(),
        "tokenizer_config.json": json.dumps(
            {"do_lower_case": True, "model_max_length": 128, "tokenizer_class": "BertTokenizer"}
        ).encode(),
        "vocab.txt": "\n".join(vocab).encode() + b"\n",
    }


# (model, version, folder name, its files)
FOLDERS: list[tuple[str, int, str, Callable[[], dict[str, bytes]]]] = [
    ("churn-predictor", 4, "model", mlflow_lightgbm),
    ("sentiment-encoder", 4, "checkpoint", hf_checkpoint),
]


# -- datasets ------------------------------------------------------------------

Rows = list[list[object]]

CARD_COLUMNS = "transaction_id timestamp amount merchant_category card_present country_mismatch is_fraud"
SUBSCRIBER_COLUMNS = "customer_id plan tenure_months monthly_charges logins_30d support_calls_90d churned"


def card_transactions(seed: str, start_id: int, month: int) -> Callable[[], Rows]:
    def rows() -> Rows:
        rng = rng_for(seed)
        out: Rows = [list(CARD_COLUMNS.split())]
        categories = ["grocery", "fuel", "travel", "electronics", "restaurants", "online_gaming", "pharmacy"]
        for i in range(90):
            fraud = rng.random() < 0.08
            amount = rng.lognormvariate(6.2 if fraud else 3.6, 0.9)
            out.append(
                [
                    f"tx-{start_id + i:07d}",
                    f"2026-{month + i % 3:02d}-{1 + i % 28:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z",
                    f"{amount:.2f}",
                    rng.choice(categories[2:6] if fraud else categories),
                    int(rng.random() < (0.2 if fraud else 0.7)),
                    int(rng.random() < (0.6 if fraud else 0.05)),
                    int(fraud),
                ]
            )
        return out

    return rows


def subscriber_activity() -> Rows:
    rng = rng_for("subscriber-activity")
    out: Rows = [list(SUBSCRIBER_COLUMNS.split())]
    for i in range(100):
        tenure = rng.randrange(1, 72)
        calls = rng.choice([0, 0, 0, 1, 1, 2, 3, 5])
        churned = rng.random() < (0.45 if tenure < 12 or calls >= 3 else 0.1)
        out.append(
            [
                f"cus-{40000 + i * 7}",
                rng.choice(["basic", "standard", "premium"]),
                tenure,
                f"{rng.uniform(9, 89):.2f}",
                rng.randrange(0, 5) if churned else rng.randrange(3, 40),
                calls,
                int(churned),
            ]
        )
    return out


def store_sales() -> Rows:
    rng = rng_for("store-sales")
    out: Rows = [["date", "store_id", "sku", "units_sold", "unit_price", "on_promo"]]
    for day in range(1, 29):
        for store in ("s-001", "s-014"):
            for sku in ("milk-1l", "bread-white", "coffee-250g"):
                promo = rng.random() < 0.15
                base = {"milk-1l": 120, "bread-white": 80, "coffee-250g": 25}[sku]
                weekend = 1.3 if day % 7 in (5, 6) else 1.0
                units = round(base * weekend * (1.4 if promo else 1.0) * rng.uniform(0.85, 1.15))
                price = {"milk-1l": 1.19, "bread-white": 2.49, "coffee-250g": 5.99}[sku]
                price *= 0.8 if promo else 1.0
                out.append([f"2026-02-{day:02d}", store, sku, units, f"{price:.2f}", int(promo)])
    return out


def calendar_events() -> Rows:
    return [
        ["date", "region", "event"],
        ["2026-01-01", "all", "new_year"],
        ["2026-02-14", "all", "valentines_day"],
        ["2026-04-03", "all", "good_friday"],
        ["2026-04-06", "all", "easter_monday"],
        ["2026-05-01", "all", "labour_day"],
        ["2026-05-25", "north", "regional_holiday"],
        ["2026-07-14", "south", "city_festival"],
        ["2026-11-27", "all", "black_friday"],
        ["2026-12-24", "all", "christmas_eve"],
        ["2026-12-25", "all", "christmas_day"],
        ["2026-12-26", "all", "boxing_day"],
        ["2026-12-31", "all", "new_years_eve"],
    ]


def review_corpus() -> Rows:
    rng = rng_for("review-corpus")
    good = ["arrived quickly", "works perfectly", "is great value", "is exactly as described", "is worth it"]
    bad = ["stopped working", "arrived damaged", "is a waste of money", "looks cheap", "broke in a week"]
    things = ["the kettle", "this jacket", "this speaker", "my new phone case", "the blender", "this lamp"]
    out: Rows = [["review_id", "text", "label"]]
    for i in range(120):
        positive = rng.random() < 0.55
        phrase = rng.choice(good if positive else bad)
        text = f"{rng.choice(things).capitalize()} {phrase}."
        out.append([f"r-{i:05d}", text, "positive" if positive else "negative"])
    return out


def support_tickets() -> Rows:
    rng = rng_for("support-tickets")
    queues = {
        "billing": ["I was charged twice", "refund for last invoice", "update my card details"],
        "shipping": ["parcel has not arrived", "tracking number not working", "change delivery address"],
        "technical": ["app crashes on login", "cannot reset password", "two-factor code never arrives"],
        "account": ["close my account", "change the email on my account", "merge two accounts"],
    }
    moods = ["", " This is really frustrating.", " Thanks in advance!", " Please help asap."]
    out: Rows = [["ticket_id", "channel", "text", "queue"]]
    for i in range(100):
        queue = rng.choice(sorted(queues))
        text = rng.choice(queues[queue]).capitalize() + "." + rng.choice(moods)
        out.append([f"T-{81000 + i}", rng.choice(["email", "chat", "web"]), text, queue])
    return out


DATASETS: dict[str, Callable[[], Rows]] = {
    "card-transactions-2026q1": card_transactions("card-transactions-2026q1", 1_000_000, 1),
    "card-transactions-2026q2": card_transactions("card-transactions-2026q2", 1_250_000, 4),
    "subscriber-activity": subscriber_activity,
    "store-sales": store_sales,
    "calendar-events": calendar_events,
    "review-corpus": review_corpus,
    "support-tickets": support_tickets,
}


def to_csv(rows: Rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode()


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    print(f"{len(data):>6}  {path.relative_to(ROOT)}")


def main() -> None:
    for model, version, name, count in ARTIFACTS:
        if name.endswith(".safetensors"):
            data = safetensors(model, version, count)
        else:
            data = placeholder(model, version, name, count)
        write(ROOT / "models" / model / "artifacts" / str(version) / name, data)
    for model, version, folder, files in FOLDERS:
        for rel, data in files().items():
            write(ROOT / "models" / model / "artifacts" / str(version) / folder / rel, data)
    for name, rows in DATASETS.items():
        write(ROOT / "examples" / "data" / f"{name}.csv", to_csv(rows()))


if __name__ == "__main__":
    main()
