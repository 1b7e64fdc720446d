"""Property: replaying the history's events gives the registry's final state.

Random sequences of registry changes are made as real commits (some on
branches merged with --no-ff, some only reformatting a file, some renaming a
model's folder); the events derived from git must add up to what the files
say at the end."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from registry.history import events, replay
from tests.builder import RegistryBuilder

NAMES = ["alpha", "beta", "gamma"]
STAGES = ["none", "staging", "production", "archived"]
WORDS = st.sampled_from(["a", "b", "c", "new text", "x: y", "multi\nline\n"])


def dump(doc: dict[str, Any], style: bool | None) -> str:
    return yaml.safe_dump(doc, default_flow_style=style, sort_keys=style is None, allow_unicode=True)


class World:
    """The registry as the test means it to be, and the repository that holds it."""

    def __init__(self, root: Path) -> None:
        self.reg = RegistryBuilder(root)
        self.models: dict[str, dict[str, Any]] = {}
        self.n = 0

    def free_names(self) -> list[str]:
        """Names no model has or had."""
        used = set(self.models) | {old for m in self.models.values() for old in m["former_names"]}
        return [n for n in NAMES if n not in used]

    def write_model(self, name: str, style: bool | None = False) -> None:
        m = self.models[name]
        doc = {k: m[k] for k in ("description", "tags", "aliases", "former_names") if m[k]}
        self.reg.write(f"models/{name}/model.yaml", dump(doc, style) if doc else "{}\n")

    def write_version(self, name: str, number: int, style: bool | None = False) -> None:
        v = self.models[name]["versions"][number]
        doc = {"stage": v["stage"], "description": v["description"], "tags": v["tags"]}
        self.reg.write(f"models/{name}/versions/{number}.yaml", dump(doc, style))

    def commit(self, branch: bool) -> None:
        self.n += 1
        if not branch:
            self.reg.commit(f"change {self.n}")
            return
        self.reg.git("checkout", "-q", "-b", f"b{self.n}")
        self.reg.commit(f"change {self.n} on a branch")
        self.reg.git("checkout", "-q", "-")
        self.reg.git(
            "merge", "-q", "--no-ff", f"b{self.n}", "-m", f"Merge pull request #{self.n} from x/b{self.n}"
        )

    def expected(self) -> dict[str, Any]:
        return {
            name: {
                "description": m["description"],
                "tags": m["tags"],
                "aliases": m["aliases"],
                "versions": m["versions"],
            }
            for name, m in self.models.items()
        }


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_replaying_events_reproduces_the_final_state(data: st.DataObject) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="replay-"))
    try:
        world = World(tmp / "repo")
        world.reg.write("registry.yaml", "stages: [none, staging, production, archived]\n")
        world.reg.commit("start")
        for _ in range(data.draw(st.integers(1, 12), label="steps")):
            step(world, data)
            world.commit(branch=data.draw(st.booleans(), label="via a merged branch"))
        found = events(world.reg.root)
        assert replay(found) == world.expected()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def step(world: World, data: st.DataObject) -> None:
    models = world.models
    choices = ["new model"]
    if models:
        choices += ["new version", "stage", "alias", "unalias", "tag", "describe", "reformat", "rename"]
    action = data.draw(st.sampled_from(choices), label="action")
    if action == "new model":
        free = world.free_names()
        if not free:
            return
        name = data.draw(st.sampled_from(free), label="name")
        models[name] = {
            "description": data.draw(WORDS),
            "tags": {},
            "aliases": {},
            "former_names": [],
            "versions": {},
        }
        world.write_model(name)
        return
    name = data.draw(st.sampled_from(sorted(models)), label="model")
    m = models[name]
    numbers = sorted(m["versions"])
    if action == "new version" or (not numbers and action in ("stage", "alias", "reformat")):
        n = (numbers[-1] if numbers else 0) + 1
        m["versions"][n] = {"stage": data.draw(st.sampled_from(STAGES)), "tags": {}, "description": ""}
        world.write_version(name, n)
    elif action == "stage":
        n = data.draw(st.sampled_from(numbers))
        m["versions"][n]["stage"] = data.draw(st.sampled_from(STAGES))
        world.write_version(name, n)
    elif action == "alias" and numbers:
        m["aliases"][data.draw(st.sampled_from(["champion", "challenger"]))] = data.draw(
            st.sampled_from(numbers)
        )
        world.write_model(name)
    elif action == "unalias" and m["aliases"]:
        del m["aliases"][data.draw(st.sampled_from(sorted(m["aliases"])))]
        world.write_model(name)
    elif action in ("tag", "describe"):
        on_version = bool(numbers) and data.draw(st.booleans(), label="on a version")
        target = m["versions"][data.draw(st.sampled_from(numbers))] if on_version else m
        if action == "tag":
            key = data.draw(st.sampled_from(["team", "domain"]))
            if key in target["tags"] and data.draw(st.booleans(), label="remove"):
                del target["tags"][key]
            else:
                target["tags"][key] = data.draw(WORDS)
        else:
            target["description"] = data.draw(WORDS)
        for n, v in m["versions"].items():
            if v is target:
                world.write_version(name, n)
                break
        else:
            world.write_model(name)
    elif action == "reformat":  # same values, other layout: no event
        style = data.draw(st.sampled_from([True, None]), label="style")
        if numbers and data.draw(st.booleans()):
            world.write_version(name, data.draw(st.sampled_from(numbers)), style)
        else:
            world.write_model(name, style)
    elif action == "rename":
        free = world.free_names()
        if not free:
            return
        new = data.draw(st.sampled_from(free), label="new name")
        world.reg.git("add", "-A")
        world.reg.git("mv", f"models/{name}", f"models/{new}")
        models[new] = models.pop(name)
        models[new]["former_names"] = [*models[new]["former_names"], name]
        world.write_model(new)


SCALARS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c d"]), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["stage", "tags", "description", "aliases", "x.y", "_z"]), VALUES, min_size=1
    ),
    st.sampled_from([False, True, None]),
    st.sampled_from(["", "# yaml-language-server: $schema=x\n", "\n# a comment\n\n"]),
)
def test_cutting_entries_by_text_agrees_with_parsing_the_whole_record(
    doc: dict[str, Any], style: bool | None, preamble: str
) -> None:
    from registry import yamlsafe
    from registry.history.blobs import _entries, _Records, _same

    data = (preamble + yaml.safe_dump(doc, default_flow_style=style, allow_unicode=True, width=20)).encode()
    whole = yamlsafe.load(data)
    entries = _entries(data)
    assert entries is not None
    records = _Records.__new__(_Records)
    records._values = {}
    for key in doc:
        text = entries.get(key.encode())
        assert text is not None, (key, data)
        assert _same(records.value(text), whole[key]), (key, data)
