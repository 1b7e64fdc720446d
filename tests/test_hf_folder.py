"""A Hugging Face checkpoint made by Hugging Face's own libraries (a config,
a fast tokenizer, safetensors weights), registered, pulled in a fresh clone
and loaded back with them. Weights are numpy arrays: the libraries that
read a checkpoint's files need no deep-learning framework."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

from registry import Registry
from tests.builder import DVC, RegistryBuilder, cli

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder only; never the Hub
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "no framework found" notice
import transformers  # after the environment above
from tokenizers import Tokenizer, models, pre_tokenizers

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "kettle", "arrived", "broken", "works", "great"]


def checkpoint(where: Path) -> tuple[Path, dict[str, np.ndarray]]:
    folder = where / "tiny-bert"
    config = transformers.BertConfig(
        vocab_size=len(VOCAB), hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16
    )
    config.architectures = ["BertForSequenceClassification"]
    config.save_pretrained(folder)
    tok = Tokenizer(models.WordPiece({t: i for i, t in enumerate(VOCAB)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]"
    )
    fast.save_pretrained(folder)
    rng = np.random.default_rng(0)
    weights = {
        "bert.embeddings.word_embeddings.weight": rng.standard_normal((len(VOCAB), 8), dtype=np.float32),
        "classifier.weight": rng.standard_normal((2, 8), dtype=np.float32),
    }
    save_file(weights, str(folder / "model.safetensors"))
    return folder, weights


def test_a_hugging_face_checkpoint_round_trips(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    folder, weights = checkpoint(tmp_path)
    proc = cli(dvc_repo.root, "register", "sentiment", str(folder), "--push")
    assert proc.returncode == 0, proc.stderr
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(dvc_repo.root), str(clone)], check=True)
    v = Registry(clone).get("sentiment/1")
    assert v.format is not None and v.format.architectures == ("BertForSequenceClassification",)
    assert v.format.model_type == "bert" and v.format.transformers_version == transformers.__version__
    dest = tmp_path / "pulled"
    dest.mkdir()
    got = Registry(clone).pull("sentiment/1", dest)
    config = transformers.AutoConfig.from_pretrained(got)
    assert config.model_type == "bert" and config.hidden_size == 8
    tokenizer = transformers.AutoTokenizer.from_pretrained(got)
    assert tokenizer("the kettle arrived broken")["input_ids"] == [5, 6, 7, 8]
    loaded = load_file(str(got / "model.safetensors"))
    assert loaded.keys() == weights.keys()
    assert all(np.array_equal(loaded[k], weights[k]) for k in weights)
    status = subprocess.run([DVC, "status"], cwd=clone, capture_output=True, text=True, check=True)
    assert "up to date" in status.stdout, status.stdout
