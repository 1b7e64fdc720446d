"""Generate a synthetic model registry as a real git repository, fast.

    python bench/generate.py OUT_DIR --models 1000 --versions 20 --commits 5000 [--seed 0]

The whole history is written as one ``git fast-import`` stream (no ``git
commit`` per commit), then checked out once. Files follow DESIGN.md's
formats: ``registry.yaml``, ``models/<m>/model.yaml``,
``models/<m>/versions/<N>.yaml`` and ``models/<m>/artifacts/<N>/model.onnx.dvc``
(plus the ``.gitignore`` that ``dvc add`` writes next to it).

How the history is built. Every model has a planned life: each version is
registered (stage ``none``), most are moved to ``staging``, some are
promoted to ``production`` (archiving the previous holder and moving the
``champion`` alias), the rest are archived. The last version ends in
staging (alias ``challenger``), the one before it in production (alias
``champion``), everything older is archived. These steps are spread over
``--commits`` commits: single-action commits with ``Registry-Action:``
trailers, squash-merged batches ``(#123)``, GitLab-style batches
(``See merge request ...!45``) and a few true merge commits of a pull
request branch; filler commits edit tags or descriptions when there are
more commits than steps. A commit never holds two steps of one model, so
every commit is, on its own, a valid change from its parent (the stage
transitions, gates and alias rules of DESIGN.md hold commit by commit), and
the last commit ends exactly in the final state above. Lineage parents
(~5% of versions) point at an already registered version of another model,
so they never form a cycle. Output is deterministic for a given set of
arguments.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from random import Random

# -- vocabulary ------------------------------------------------------------

PEOPLE = [
    ("Alice Martin", "alice@example.com", "+0100"),
    ("Bob Chen", "bob.chen@example.com", "-0800"),
    ("Carla Rossi", "carla@example.com", "+0200"),
    ("Deepak Iyer", "deepak@example.com", "+0530"),
    ("Emma Schmidt", "emma.schmidt@example.com", "+0100"),
    ("Farid Haddad", "farid@example.com", "+0400"),
    ("Grace Okafor", "grace@example.com", "+0000"),
    ("Hiro Tanaka", "hiro@example.com", "+0900"),
    ("Ines Duarte", "ines@example.com", "+0000"),
    ("Jonas Berg", "jonas@example.com", "+0100"),
    ("Kim Nguyen", "kim.nguyen@example.com", "-0500"),
    ("Lena Novak", "lena@example.com", "+0100"),
    ("Mateo Garcia", "mateo@example.com", "-0300"),
    ("Nadia Petrova", "nadia@example.com", "+0300"),
    ("Omar Said", "omar@example.com", "+0200"),
    ("Priya Shah", "priya@example.com", "+0530"),
    ("Quentin Moreau", "quentin@example.com", "+0100"),
    ("Rosa Lind", "rosa@example.com", "+0100"),
    ("Sam Taylor", "sam.taylor@example.com", "-0700"),
    ("Tomás Silva", "tomas@example.com", "-0300"),
]
BOT = ("registry-bot", "registry-bot@example.com", "+0000")
FORGE_COMMITTER = ("GitHub", "noreply@github.com", "+0000")

DOMAINS = [
    # (domain, task, team, dataset, features, output)
    (
        "payments",
        "classification",
        "fraud",
        "transactions",
        ["amount", "merchant_id", "hour", "country"],
        "long",
    ),
    ("search", "ranking", "search", "clicks", ["query_len", "bm25", "doc_age", "ctr_7d"], "double"),
    ("ads", "ctr-prediction", "ads", "impressions", ["slot", "advertiser_id", "user_segment"], "double"),
    ("vision", "defect-detection", "vision", "line-cameras", ["image"], "long"),
    ("support", "sentiment", "nlp", "tickets", ["text"], "long"),
    ("retail", "demand-forecast", "forecasting", "sales", ["store_id", "sku", "week", "promo"], "double"),
    ("media", "recommendation", "recsys", "plays", ["user_id", "item_id", "context"], "double"),
    (
        "security",
        "anomaly-detection",
        "secops",
        "netflows",
        ["flow_duration", "bytes_in", "bytes_out"],
        "long",
    ),
]
ARCHITECTURES = ["xgboost", "lightgbm", "mlp", "1d-cnn", "transformer", "moe", "logreg", "random-forest"]
FRAMEWORKS = ["onnx", "pytorch", "sklearn"]
OPTIMIZERS = ["adam", "adamw", "sgd", "lamb"]
NOTES = [
    "Calibrated with isotonic regression.",
    "Class weights rebalanced after the label audit.",
    "Adds two new features from the feature store.",
    "Smaller model for the latency budget.",
    "Early stopping on the validation f1.",
    "Trained with the new deduplicated split.",
    "Ablation: no handcrafted features.",
    "Distilled from the previous champion.",
]
BATCH_TITLES = {
    "register": ["Nightly retrain {date}", "Register retrained candidates", "Bulk registration from MLflow"],
    "stage": ["Stage candidates for shadow evaluation", "Weekly review: move candidates to staging"],
    "promote": ["Promote reviewed candidates", "Release train {date}"],
    "archive": ["Archive stale candidates", "Quarterly cleanup: archive rejected versions"],
    "mixed": ["Registry changes {date}", "Model review {date}", "Retrain and review batch {date}"],
}

_HEX_LETTERS = frozenset("abcdf")  # a hex string with one of these is never read as a number
_PLAIN_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_./@-]*$")
_YAML_WORDS = frozenset(["true", "false", "yes", "no", "on", "off", "null", "y", "n"])


def q(text: str) -> str:
    """A YAML scalar for ``text``: plain when unambiguous, else double-quoted."""
    if _PLAIN_OK.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text)


def flow_map(items: dict[str, object]) -> str:
    parts = []
    for k, v in items.items():
        parts.append(f"{q(k)}: {q(v) if isinstance(v, str) else v}")
    return "{" + ", ".join(parts) + "}"


def block(text: str, indent: str = "  ") -> str:
    return "".join(indent + line + "\n" for line in text.splitlines())


# -- registry state ----------------------------------------------------------


@dataclass
class Version:
    number: int
    head: str  # created_at, created_by
    stage: str
    description: str
    tags: dict[str, str]
    tail: str  # metrics ... lineage (immutable)
    f1: float
    md5: str
    size: int

    def render(self) -> bytes:
        return (
            f"{self.head}stage: {self.stage}\ndescription: |\n{block(self.description)}"
            f"tags: {flow_map(self.tags)}\n{self.tail}"
        ).encode()


@dataclass
class Model:
    name: str
    index: int
    domain: tuple[str, str, str, str, list[str], str]
    description: str
    owners: list[str]
    tags: dict[str, str]
    gate_f1: float
    policy: str  # rendered, or ""
    plan: deque[tuple[str, int]]
    f1_floor: dict[int, float]
    aliases: dict[str, int] = field(default_factory=dict)
    versions: dict[int, Version] = field(default_factory=dict)
    production: int | None = None

    def render(self) -> bytes:
        order = sorted(self.aliases, key=lambda a: (a != "champion", a))
        aliases = "{" + ", ".join(f"{a}: {self.aliases[a]}" for a in order) + "}"
        owners = "[" + ", ".join(json.dumps(o) for o in self.owners) + "]"
        return (
            f"description: |\n{block(self.description)}owners: {owners}\n"
            f"tags: {flow_map(self.tags)}\naliases: {aliases}\n{self.policy}"
        ).encode()


REGISTRY_YAML = """\
# Synthetic registry generated by bench/generate.py
stages: [none, staging, production, archived]
single_holder: [production]
archive_on_promote: true
forge: https://github.com/acme/model-registry
policy:
  gates:
    production:
      from: [staging]
      metrics: {f1: ">= 0.5"}
      require: [description]
  aliases:
    champion: {stage: production}
"""
DEFAULT_GATE_F1 = 0.5

ROOT_FILES = {
    "registry.yaml": REGISTRY_YAML,
    "README.md": "# Model registry\n\nSynthetic benchmark registry (bench/generate.py).\n",
    ".dvc/config": "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://acme-models/registry\n",
    ".dvc/.gitignore": "/config.local\n/tmp\n/cache\n",
    ".dvcignore": "# Add patterns of files dvc should ignore\n",
}


class Generator:
    def __init__(self, models: int, versions: int, commits: int, seed: int) -> None:
        if models < 1 or versions < 2 or commits < 2:
            raise SystemExit("need --models >= 1, --versions >= 2 and --commits >= 2")
        self.n_models, self.n_versions, self.n_commits = models, versions, commits
        self.rng = Random(f"registry-bench:{seed}:{models}:{versions}:{commits}")
        width = max(4, len(str(models - 1)))
        self.models = [self._new_model(f"m{i:0{width}d}", i) for i in range(models)]
        self.registered: list[Model] = []  # models with at least one version, in creation order
        self.now = int(datetime(2024, 1, 2, 9, 0, tzinfo=UTC).timestamp())
        self.gap = max(60, int(2 * 365 * 86400 / commits))
        self.pr = 100
        self.marks = 0
        self.forced_multi = 0

    # -- planning ------------------------------------------------------------

    def hexid(self, bits: int) -> str:
        while True:
            text = f"{self.rng.getrandbits(bits):0{bits // 4}x}"
            if _HEX_LETTERS & set(text):
                return text

    def _new_model(self, name: str, index: int) -> Model:
        rng = self.rng
        domain = rng.choice(DOMAINS)
        dom, task, team = domain[0], domain[1], domain[2]
        people = rng.sample(PEOPLE, 2)
        gate_f1, policy = DEFAULT_GATE_F1, ""
        if rng.random() < 0.1:  # a stricter, model-specific gate
            gate_f1 = round(rng.uniform(0.6, 0.8), 2)
            policy = (
                "policy:\n  gates:\n    production:\n      from: [staging]\n"
                f'      metrics: {{f1: ">= {gate_f1}"}}\n      require: [description, lineage.data]\n'
            )
        plan: list[tuple[str, int]] = []
        floor: dict[int, float] = {}
        v_max = self.n_versions
        for n in range(1, v_max + 1):
            if n == v_max:
                fate = "staging"
            elif n == v_max - 1:
                fate = "promoted"
            else:
                fate = rng.choices(["promoted", "rejected", "dropped"], [0.45, 0.35, 0.2])[0]
            plan.append(("register", n))
            if fate != "dropped":
                plan.append(("stage", n))
            if fate == "promoted":
                plan.append(("promote", n))
                floor[n] = gate_f1
            else:
                plan.append(("archive", n) if fate != "staging" else ("noop", n))
        plan = [s for s in plan if s[0] != "noop"]
        # Sometimes the next version is registered before this one's review ends.
        for i in range(1, len(plan)):
            if plan[i][0] == "register" and plan[i - 1][0] != "register" and rng.random() < 0.3:
                plan[i - 1], plan[i] = plan[i], plan[i - 1]
        return Model(
            name=name,
            index=index,
            domain=domain,
            description=(
                f"{task.capitalize()} model for {dom} ({name}).\n"
                f"Owned by the {team} team; retrained {rng.choice(['nightly', 'weekly', 'monthly'])} "
                f"on the {domain[3]} dataset."
            ),
            owners=[people[0][1], f"@acme/{team}-team"],
            tags={"task": task, "domain": dom, "team": team},
            gate_f1=gate_f1,
            policy=policy,
            plan=deque(plan),
            f1_floor=floor,
        )

    def _version(self, m: Model, n: int, when: int, who: str) -> Version:
        rng = self.rng
        dom, task, _team, dataset, features, out_type = m.domain
        arch = rng.choice(ARCHITECTURES)
        floor = m.f1_floor.get(n)
        f1 = (
            round(rng.uniform(floor + 0.01, min(0.995, floor + 0.45)), 4)
            if floor
            else round(rng.uniform(0.3, 0.95), 4)
        )
        precision = round(min(0.999, max(0.05, f1 + rng.uniform(-0.06, 0.06))), 4)
        recall = round(min(0.999, max(0.05, f1 * precision / (2 * precision - f1))), 4)  # F1 = 2PR/(P+R)
        data_version = f"v{rng.randint(1, 4)}.{rng.randint(0, 9)}"
        size = rng.randint(200_000, 400_000_000)
        md5 = self.hexid(128)
        run_id = self.hexid(48)
        lines = [
            "metrics:",
            f"  f1: {f1}",
            f"  precision: {precision}",
            f"  recall: {recall}",
            f"  roc_auc: {round(min(0.999, f1 + rng.uniform(0.01, 0.08)), 4)}",
            f"  latency_p95_ms: {round(rng.uniform(1.5, 80.0), 1)}",
            "params:",
            f"  learning_rate: {rng.choice([0.1, 0.05, 0.01, 0.005, 0.001, 0.0001])}",
            f"  batch_size: {rng.choice([64, 128, 256, 512, 1024])}",
            f"  epochs: {rng.randint(5, 60)}",
            f"  max_depth: {rng.randint(3, 12)}",
            f"  optimizer: {rng.choice(OPTIMIZERS)}",
            f"  seed: {rng.randint(0, 9999)}",
        ]
        if rng.random() < 0.4:
            inputs = ", ".join(
                f"{{name: {f}, type: {'string' if f.endswith('_id') or f == 'text' else 'double'}}}"
                for f in features
            )
            lines += [
                "signature:",
                f"  inputs: [{inputs}]",
                f"  outputs: [{{name: prediction, type: {out_type}}}]",
            ]
        lines += [
            "artifact:",
            f"  path: artifacts/{n}/model.onnx",
            f"  md5: {md5}",
            f"  size: {size}",
            "lineage:",
            f'  code: {{repo: "git@github.com:acme/training.git", commit: {self.hexid(160)}, '
            f"path: pipelines/{task}/train.py}}",
            "  data:",
            f"  - {{name: {dataset}, path: data/{dom}/{dataset}.parquet, md5: {self.hexid(128)}, "
            f"version: {data_version}}}",
            f'  run: {{id: {run_id}, uri: "mlflow-run://{run_id}"}}',
        ]
        # ~5% of versions derive from an already registered version of another model.
        parent = rng.choice(self.registered) if self.registered and rng.random() < 0.05 else m
        if parent is not m and parent.versions:
            lines.append(
                f"  parents: [{{model: {parent.name}, version: {rng.randint(1, len(parent.versions))}}}]"
            )
        stamp = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return Version(
            number=n,
            head=f"created_at: {stamp}\ncreated_by: {who}\n",
            stage="none",
            description=(f"{arch} {task} model retrained on {dataset} {data_version}.\n{rng.choice(NOTES)}"),
            tags={"dataset": dataset, "architecture": arch, "framework": rng.choice(FRAMEWORKS)},
            tail="\n".join(lines) + "\n",
            f1=f1,
            md5=md5,
            size=size,
        )

    # -- steps ---------------------------------------------------------------

    def apply(self, m: Model, step: tuple[str, int], files: dict[str, bytes], when: int, who: str) -> str:
        """Apply one planned step; add the changed files; return a one-line summary."""
        kind, n = step
        base = f"models/{m.name}"
        if kind == "register":
            if n == 1:
                self.registered.append(m)
            v = self._version(m, n, when, who)
            m.versions[n] = v
            files[f"{base}/versions/{n}.yaml"] = v.render()
            files[f"{base}/artifacts/{n}/model.onnx.dvc"] = (
                f"outs:\n- md5: {v.md5}\n  size: {v.size}\n  hash: md5\n  path: model.onnx\n"
            ).encode()
            files[f"{base}/artifacts/{n}/.gitignore"] = b"/model.onnx\n"
            files[f"{base}/model.yaml"] = m.render()
            return f"Register {m.name} version {n}"
        v = m.versions[n]
        if kind == "stage":
            assert v.stage == "none"
            v.stage = "staging"
            m.aliases["challenger"] = n
            summary = f"Promote {m.name} version {n} to staging"
        elif kind == "promote":
            assert v.stage == "staging" and v.f1 >= m.gate_f1
            v.stage = "production"
            if m.production is not None:
                old = m.versions[m.production]
                old.stage = "archived"
                files[f"{base}/versions/{old.number}.yaml"] = old.render()
            m.production = n
            m.aliases["champion"] = n
            if m.aliases.get("challenger") == n:
                del m.aliases["challenger"]
            summary = f"Promote {m.name} version {n} to production"
        elif kind == "archive":
            assert v.stage in ("none", "staging")
            v.stage = "archived"
            if m.aliases.get("challenger") == n:
                del m.aliases["challenger"]
            summary = f"Archive {m.name} version {n}"
        else:  # pragma: no cover
            raise AssertionError(kind)
        files[f"{base}/versions/{n}.yaml"] = v.render()
        files[f"{base}/model.yaml"] = m.render()
        return summary

    def filler(self, files: dict[str, bytes], who: str) -> tuple[str, list[tuple[str, str]]]:
        """A tag or description edit of an existing model or version."""
        rng = self.rng
        m = rng.choice(self.registered)
        base = f"models/{m.name}"
        choice = rng.random()
        if choice < 0.25:
            m.tags["tier"] = rng.choice(["gold", "silver", "bronze"])
            files[f"{base}/model.yaml"] = m.render()
            return f"Tag {m.name}: tier={m.tags['tier']}", [("Registry-Action", "tag"), ("Model", m.name)]
        if choice < 0.4:
            m.description = m.description.split("\n")[0] + f"\n{rng.choice(NOTES)}"
            files[f"{base}/model.yaml"] = m.render()
            return f"Describe {m.name}", [("Registry-Action", "describe"), ("Model", m.name)]
        v = m.versions[rng.randint(1, len(m.versions))]
        if choice < 0.8:
            v.tags["validated_by"] = who
            files[f"{base}/versions/{v.number}.yaml"] = v.render()
            return f"Tag {m.name} version {v.number}: validated_by={who}", [
                ("Registry-Action", "tag"),
                ("Model", m.name),
                ("Version", str(v.number)),
            ]
        v.description = v.description.split("\n")[0] + f"\nKnown issue: {rng.choice(NOTES).lower()}"
        files[f"{base}/versions/{v.number}.yaml"] = v.render()
        return f"Describe {m.name} version {v.number}", [
            ("Registry-Action", "describe"),
            ("Model", m.name),
            ("Version", str(v.number)),
        ]

    # -- schedule --------------------------------------------------------------

    def schedule(self) -> list[tuple[str, int]]:
        """Unit types and step counts for commits 1..K-1. 'merge' units take two commits."""
        rng = self.rng
        total = sum(len(m.plan) for m in self.models)
        longest = max(len(m.plan) for m in self.models)
        rest = self.n_commits - 1
        merges = int(0.04 * rest) if rest >= 100 else 0
        units = rest - merges
        fillers = max(units - total, int(0.02 * units))
        fillers = min(fillers, max(0, units - max(longest, merges + 1)), units - 1)
        fillers = max(fillers, units - total, 0)
        real = units - fillers
        singles = min(round(0.4 * real), real - merges)
        batches = real - singles  # includes the merge units
        sizes = [1] * real
        extra = total - real
        if extra > 0 and batches > 0:
            weights = [rng.expovariate(1.0) + 0.05 for _ in range(batches)]
            scale = extra / sum(weights)
            shares = [w * scale for w in weights]
            alloc = [int(s) for s in shares]
            left = extra - sum(alloc)
            order = sorted(range(batches), key=lambda i: shares[i] - alloc[i], reverse=True)
            for i in order[:left]:
                alloc[i] += 1
            for i in range(batches):
                sizes[singles + i] += alloc[i]
        elif extra > 0:
            sizes[-1] += extra
        kinds = ["single"] * singles + ["merge"] * merges + ["batch"] * (batches - merges)
        real_units = list(zip(kinds, sizes, strict=True))
        rng.shuffle(real_units)
        out = real_units + [("filler", 0)] * fillers
        head, tail = out[:1], out[1:]
        rng.shuffle(tail)
        return head + tail

    # -- output ----------------------------------------------------------------

    def _tick(self, scale: float = 1.0) -> int:
        self.now += max(30, int(self.rng.expovariate(1.0 / (self.gap * scale))))
        return self.now

    def _commit(
        self,
        out: list[bytes],
        ref: str,
        author: tuple[str, str, str],
        committer: tuple[str, str, str],
        when: int,
        message: str,
        parents: list[int],
        files: dict[str, bytes],
    ) -> int:
        self.marks += 1
        msg = message.encode()
        out.append(
            f"commit {ref}\nmark :{self.marks}\n"
            f"author {author[0]} <{author[1]}> {when} {author[2]}\n"
            f"committer {committer[0]} <{committer[1]}> {when} {committer[2]}\n"
            f"data {len(msg)}\n".encode()
            + msg
            + b"\n"
        )
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
            for p in parents[1:]:
                out.append(f"merge :{p}\n".encode())
        for path in sorted(files):
            data = files[path]
            out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        out.append(b"\n")
        return self.marks

    def _pick(self, active: list[Model], must: list[Model], count: int) -> list[Model]:
        chosen = list(must)
        seen = {m.index for m in chosen}
        need = count - len(chosen)
        if need > 0:
            cands = [m for m in active if m.index not in seen]
            if len(cands) <= need:
                chosen += cands
            else:
                picks = self.rng.choices(cands, weights=[len(m.plan) for m in cands], k=2 * need + 4)
                for m in picks:
                    if m.index not in seen and len(chosen) < count:
                        seen.add(m.index)
                        chosen.append(m)
                if len(chosen) < count:
                    rest = [m for m in cands if m.index not in seen]
                    chosen += self.rng.sample(rest, count - len(chosen))
        return chosen

    def generate(self, proc_stdin: object) -> dict[str, int]:
        rng = self.rng
        write = proc_stdin.write  # type: ignore[attr-defined]
        units = self.schedule()
        real_left = sum(1 for kind, _ in units if kind != "filler")
        longest = max(len(m.plan) for m in self.models)
        # Models are created gradually over the first 60% of the real units.
        starts = sorted(rng.randint(1, max(1, int(0.6 * real_left))) for _ in self.models)
        starts[0] = 0
        next_start = 0
        active: list[Model] = []
        steps_left = sum(len(m.plan) for m in self.models)
        carry = 0
        real_seen = 0
        stats = {"commits": 0, "merges": 0, "fillers": 0, "steps": 0, "blobs": 0}

        out: list[bytes] = []
        files = {p: t.encode() for p, t in ROOT_FILES.items()}
        when = self._tick()
        author = PEOPLE[0]
        tip = self._commit(
            out, "refs/heads/main", author, author, when, "Initialize the model registry\n", [], files
        )
        stats["commits"] += 1
        write(b"".join(out))

        for u, (kind, size) in enumerate(units):
            out = []
            is_last = u == len(units) - 1
            files = {}
            when = self._tick()
            author = rng.choice(PEOPLE)
            if kind != "filler" and steps_left == 0:
                kind = "filler"
            if kind == "filler":
                if not self.registered:  # nothing to edit yet: do a real step instead
                    kind, size = "single", 1
                else:
                    title, trailers = self.filler(files, author[1])
                    msg = title + "\n\n" + "".join(f"{k}: {v}\n" for k, v in trailers)
                    tip = self._commit(out, "refs/heads/main", author, author, when, msg, [tip], files)
                    stats["commits"] += 1
                    stats["fillers"] += 1
                    write(b"".join(out))
                    continue
            real_seen += 1
            units_left = real_left - real_seen + 1
            while next_start < len(self.models) and starts[next_start] <= real_seen:
                active.append(self.models[next_start])
                next_start += 1
            active = [m for m in active if m.plan]
            if not active and next_start < len(self.models):
                active.append(self.models[next_start])
                next_start += 1
            must: list[Model] = []
            if units_left <= longest + 1:
                pending = [m for m in self.models if m.plan]
                must = [m for m in pending if len(m.plan) >= units_left]
                for m in must:
                    if m not in active:
                        active.append(m)
                if next_start < len(self.models) and units_left <= longest + 1:
                    # start everything that is left; late models must still fit
                    for m in self.models[next_start:]:
                        if m.plan and m not in active:
                            active.append(m)
                    next_start = len(self.models)
            want = size + carry
            chosen = self._pick(active, must, want)
            carry = max(0, want - len(chosen))
            summaries: list[str] = []
            acts: set[str] = set()
            for m in chosen:
                step = m.plan.popleft()
                summaries.append(self.apply(m, step, files, when, author[1]))
                acts.add(step[0])
                steps_left -= 1
            if is_last and steps_left:
                # Not enough commits for one step per model per commit: finish here.
                for m in self.models:
                    while m.plan:
                        step = m.plan.popleft()
                        summaries.append(self.apply(m, step, files, when, author[1]))
                        acts.add(step[0])
                        steps_left -= 1
                        self.forced_multi += 1
            stats["steps"] += len(summaries)
            if len(summaries) == 1 and kind == "single":
                msg = self._single_message(chosen[0], summaries[0])
                tip = self._commit(out, "refs/heads/main", author, author, when, msg, [tip], files)
            else:
                theme = next(iter(acts)) if len(acts) == 1 else "mixed"
                date = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d")
                title = rng.choice(BATCH_TITLES[theme]).format(date=date)
                body = "".join(f"* {s}\n" for s in summaries)
                self.pr += rng.randint(1, 3)
                if kind == "merge":
                    side = self._commit(
                        out, "refs/heads/_pr", author, author, when, f"{title}\n\n{body}", [tip], files
                    )
                    when = self._tick(0.2)
                    branch = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
                    msg = f"Merge pull request #{self.pr} from acme/{branch}\n\n{title}\n"
                    tip = self._commit(
                        out, "refs/heads/main", author, FORGE_COMMITTER, when, msg, [tip, side], files
                    )
                    stats["commits"] += 1
                    stats["merges"] += 1
                elif rng.random() < 0.7:
                    trailers = (
                        "\nRegistry-Action: import-mlflow\n"
                        if theme == "register" and "MLflow" in title
                        else ""
                    )
                    msg = f"{title} (#{self.pr})\n\n{body}{trailers}"
                    tip = self._commit(
                        out, "refs/heads/main", author, FORGE_COMMITTER, when, msg, [tip], files
                    )
                else:
                    msg = f"{title}\n\n{body}\nSee merge request acme/model-registry!{self.pr}\n"
                    bot = BOT if theme == "register" else author
                    tip = self._commit(out, "refs/heads/main", bot, bot, when, msg, [tip], files)
            stats["commits"] += 1
            write(b"".join(out))

        write(b"done\n")
        stats["steps_left"] = steps_left
        return stats

    def _single_message(self, m: Model, summary: str) -> str:
        rng = self.rng
        words = summary.split()
        action = words[0].lower()
        version = words[3]
        trailers = [("Registry-Action", action), ("Model", m.name), ("Version", version)]
        if action == "promote":
            stage = words[-1]
            trailers.append(("Stage", stage))
            v = m.versions[int(version)]
            if stage == "production":
                trailers.append(("Reason", f"f1 {v.f1} on the holdout set; shadow traffic looked good"))
            else:
                trailers.append(
                    ("Reason", rng.choice(["candidate for shadow evaluation", "beats baseline offline"]))
                )
        elif action == "archive":
            trailers.append(("Stage", "archived"))
            trailers.append(
                ("Reason", rng.choice(["superseded", "failed shadow evaluation", "stale candidate"]))
            )
        title = summary
        if rng.random() < 0.3:
            self.pr += rng.randint(1, 3)
            title += f" (#{self.pr})"
        return title + "\n\n" + "".join(f"{k}: {v}\n" for k, v in trailers)

    def verify_final(self) -> None:
        for m in self.models:
            assert not m.plan, m.name
            stages = [m.versions[n].stage for n in sorted(m.versions)]
            v_max = self.n_versions
            assert len(stages) == v_max, (m.name, len(stages))
            assert stages[-1] == "staging" and stages[-2] == "production", (m.name, stages)
            assert all(s == "archived" for s in stages[:-2]), (m.name, stages)
            assert m.aliases == {"challenger": v_max, "champion": v_max - 1}, (m.name, m.aliases)


def git(args: list[str], cwd: Path, **kw: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, check=True, **kw)  # type: ignore[call-overload,no-any-return]


def generate(
    out_dir: Path, models: int, versions: int, commits: int, seed: int, force: bool = False
) -> dict[str, object]:
    t0 = time.perf_counter()
    if out_dir.exists() and any(out_dir.iterdir()):
        if not force:
            raise SystemExit(f"{out_dir} exists and is not empty (use --force to replace it)")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    git(["init", "-q", "-b", "main"], out_dir)
    git(["config", "user.name", "Bench"], out_dir)
    git(["config", "user.email", "bench@example.com"], out_dir)
    gen = Generator(models, versions, commits, seed)
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done", "--force"],
        cwd=out_dir,
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    try:
        stats = gen.generate(proc.stdin)
    finally:
        proc.stdin.close()
        rc = proc.wait()
    if rc != 0:
        raise SystemExit(f"git fast-import failed with exit code {rc}")
    t_import = time.perf_counter()
    gen.verify_final()
    subprocess.run(
        ["git", "update-ref", "-d", "refs/heads/_pr"], cwd=out_dir, check=False, capture_output=True
    )
    git(["reset", "-q", "--hard", "main"], out_dir)
    t1 = time.perf_counter()
    if gen.forced_multi:
        print(
            f"warning: --commits too small for one step per model per commit; the last commit "
            f"holds {gen.forced_multi} extra steps",
            file=sys.stderr,
        )
    return {
        **stats,
        "models": models,
        "versions": models * versions,
        "seconds_import": round(t_import - t0, 2),
        "seconds_total": round(t1 - t0, 2),
    }


def add_lifecycle(out_dir: Path, share: float) -> int:
    """The lifecycle variant: on every ``1/share``-th model, one last commit
    turns on semantic versions (``versioning: semver``, ``semver: 1.<N-1>.0``
    on each version: one minor per retrain, as no generated signature breaks),
    declares a traffic split (champion 90, challenger 10) and deletes v1,
    which is archived (a tombstone: ``deleted:``, its pointer gone). That is
    a change `registry check --base` accepts. Returns the models changed."""
    if share <= 0:
        return 0
    step = max(1, round(1 / share))
    names = sorted(p.name for p in (out_dir / "models").iterdir())
    chosen = names[::step]
    for name in chosen:
        folder = out_dir / "models" / name
        model = folder / "model.yaml"
        model.write_text(model.read_text() + "versioning: semver\ntraffic: {champion: 90, challenger: 10}\n")
        for record in (folder / "versions").iterdir():
            n = int(record.stem)
            text = record.read_text() + f'semver: "1.{n - 1}.0"\n'
            if n == 1:
                assert "\nstage: archived\n" in text, (name, "v1 is archived")
                text += "deleted: {at: 2026-06-01T12:00:00Z, by: bench@example.com, reason: a synthetic deletion}\n"
                shutil.rmtree(folder / "artifacts" / "1")
            record.write_text(text)
    git(["add", "-A", "models"], out_dir)
    git(
        ["commit", "-q", "-m", f"Semantic versions, traffic splits and a deletion on {len(chosen)} models"],
        out_dir,
    )
    return len(chosen)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=20, help="versions per model (>= 2)")
    ap.add_argument("--commits", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--force", action="store_true", help="replace OUT_DIR if it exists")
    ap.add_argument(
        "--lifecycle",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="on this share of models (0.1: every tenth), one last commit adds semantic versions, "
        "a traffic split and a deleted version",
    )
    args = ap.parse_args(argv)
    info = generate(args.out_dir, args.models, args.versions, args.commits, args.seed, args.force)
    changed = add_lifecycle(args.out_dir, args.lifecycle)
    if changed:
        print(f"{args.out_dir}: semver, traffic and a tombstone on {changed} models, in one more commit")
    print(
        f"{args.out_dir}: {info['models']} models, {info['versions']} versions, {info['commits']} commits "
        f"({info['merges']} merges, {info['fillers']} tag/description edits, {info['steps']} registry steps) "
        f"in {info['seconds_total']} s (fast-import {info['seconds_import']} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
