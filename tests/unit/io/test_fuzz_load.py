"""Fuzzed project files: load_project answers a ProjectError or a project, never anything else."""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from previz.core.registry import NodeRegistry
from previz.core.spec import NodeSpec, NodeType
from previz.io import ProjectError, Upgrades, default_upgrades, load_project, save_project

FUZZ = settings(max_examples=1100, deadline=timedelta(seconds=20), derandomize=True,
                database=None, suppress_health_check=[
                    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
TOKENS = [b"NaN", b"-Infinity", b"1e999", b'"\\ud800"', b"\xff\xfe", b'{"a":1,"a":2}',
          b"[" * 200, b"null", b'"Node.2"', b'"Settings.0"', b"9" * 5000, b"\\", b'"', b",",
          b"}", b"PK\x05\x06", b"PK\x01\x02", b"\x00" * 8]


@dataclass(frozen=True)
class Valid:
    """A saved sample project taken apart."""

    zip_bytes: bytes
    json_bytes: bytes
    assets: list[tuple[str, bytes]]


@dataclass(frozen=True)
class Repeated:
    """An object to be written with one key twice."""

    pairs: list[tuple[str, Any]]


def prompt_upgrade(params: dict) -> dict:
    return {"text": params["text"].upper(), "count": len(params)}


def fuzz_registry() -> NodeRegistry:
    registry = NodeRegistry()
    spec = NodeSpec(id="previz.prompt", version=2, display_name="Prompt", category="Test",
                    upgrades={1: prompt_upgrade})
    registry.register(NodeType(spec))
    return registry


def fuzz_upgrades() -> Upgrades:
    upgrades = default_upgrades()
    upgrades.register("Settings", 0, lambda old: {**old, "rate": str(old.pop("fps"))})
    upgrades.register("Node", 0, lambda old: {**old, "version": 1})
    return upgrades


@pytest.fixture(scope="module")
def valid(tmp_path_factory, make_project) -> Valid:
    path = tmp_path_factory.mktemp("valid") / "valid.previz"
    save_project(make_project(asset_bytes=40, seed=7), path)
    with zipfile.ZipFile(path) as archive:
        json_bytes = archive.read("project.json")
        assets = [(info.filename, archive.read(info)) for info in archive.infolist()[1:]]
    return Valid(path.read_bytes(), json_bytes, assets)


@pytest.fixture(scope="module")
def fuzz_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzzed.previz"


def rezip(path: Path, json_bytes: bytes, assets: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.json", json_bytes)
        for name, data in assets:
            archive.writestr(name, data)


def check_load(path: Path, scratch: Path) -> None:
    """Load ``path``: a ProjectError is fine; a project must save and reload identically."""
    try:
        project = load_project(path, registry=fuzz_registry(), upgrades=fuzz_upgrades())
    except ProjectError:
        return
    save_project(project, scratch)
    again = scratch.with_name("again.previz")
    save_project(load_project(scratch), again)
    assert again.read_bytes() == scratch.read_bytes()


byte_mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(0, 7)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20),
              st.one_of(st.binary(min_size=1, max_size=12), st.sampled_from(TOKENS))),
    st.tuples(st.just("overwrite"), st.integers(0, 1 << 20),
              st.one_of(st.binary(min_size=1, max_size=8), st.sampled_from(TOKENS))),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 64)),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20), st.just(0)),
)


def mutate_bytes(data: bytes, mutations: list[tuple[str, int, Any]]) -> bytes:
    buffer = bytearray(data)
    for kind, position, argument in mutations:
        at = position % (len(buffer) + 1)
        if kind == "flip" and at < len(buffer):
            buffer[at] ^= 1 << argument
        elif kind == "insert":
            buffer[at:at] = argument
        elif kind == "overwrite":
            buffer[at:at + len(argument)] = argument
        elif kind == "delete":
            del buffer[at:at + argument]
        elif kind == "truncate":
            del buffer[at:]
    return bytes(buffer)


@FUZZ
@given(target=st.sampled_from(["zip", "json", "json-stored"]),
       mutations=st.lists(byte_mutation, min_size=1, max_size=4))
def test_fuzzed_bytes_only_raise_project_error(valid, fuzz_path, target, mutations):
    if target == "zip":
        fuzz_path.write_bytes(mutate_bytes(valid.zip_bytes, mutations))
    else:
        rezip(fuzz_path, mutate_bytes(valid.json_bytes, mutations), valid.assets)
    check_load(fuzz_path, fuzz_path.with_name("scratch.previz"))


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-(10**400), 10**400),
              st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=12), st.sampled_from(["\ud800", "Node.1", "Node.2", "Settings.0",
                                                     "24000/1001", "1e999999999", "", "x" * 40]),
              st.uuids().map(str)),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
SCHEMAS = ["Project.1", "Project.2", "Settings.0", "Settings.1", "Node.0", "Node.1", "Node.9",
           "Link.1", "Link.0", "TimelineEntry.1", "Asset.1", "Asset.0", "Clip.1", "Node.x", 5]


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def mutate_structure(data: Any, draw) -> Any:
    path = draw(st.sampled_from(paths(data)))
    kind = draw(st.sampled_from(["replace", "delete", "repeat", "schema", "append"]))
    if not path:
        return draw(json_values) if kind == "replace" else data
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key, target = path[-1], parent[path[-1]]
    if kind == "replace":
        parent[key] = draw(json_values)
    elif kind == "delete":
        del parent[key]
    elif kind == "repeat" and isinstance(target, dict) and target:
        repeated = draw(st.sampled_from(sorted(target)))
        parent[key] = Repeated([*target.items(), (repeated, draw(json_values))])
    elif kind == "schema" and isinstance(target, dict):
        target["schema"] = draw(st.sampled_from(SCHEMAS))
    elif kind == "append" and isinstance(target, list | dict):
        value = draw(json_values)
        target.append(value) if isinstance(target, list) else target.setdefault("acme.x", value)
    return data


def to_text(value: Any) -> str:
    """JSON text that may hold repeated keys, NaN and unpaired surrogates."""
    if isinstance(value, Repeated | dict):
        pairs = value.pairs if isinstance(value, Repeated) else value.items()
        return "{" + ", ".join(f"{to_text(key)}: {to_text(item)}" for key, item in pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_text(item) for item in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=True)


@FUZZ
@given(st.data())
def test_fuzzed_structure_only_raises_project_error(valid, fuzz_path, data):
    tree = json.loads(valid.json_bytes)
    for _ in range(data.draw(st.integers(1, 3))):
        tree = mutate_structure(tree, data.draw)
    keep = data.draw(st.sampled_from([len(valid.assets)] * 9 + list(range(len(valid.assets)))))
    assets = valid.assets[:keep][::-1]
    rezip(fuzz_path, to_text(tree).encode("utf-8", "surrogatepass"), assets)
    check_load(fuzz_path, fuzz_path.with_name("scratch.previz"))
