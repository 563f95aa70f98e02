"""The registry: entry points, explicit packs, duplicates and aliases."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from previz.api import NodeSpec, NodeType, Output, PortType
from previz.core.registry import NodeRegistry, RegistryError

BUILTIN_IDS = {
    "previz.prompt", "previz.camera_move", "previz.image", "previz.still", "previz.shot",
    "previz.extend", "previz.interpolate", "previz.retime", "previz.scene",
}


def _node(type_id: str, aliases: tuple[str, ...] = ()) -> NodeType:
    spec = NodeSpec(type_id, 1, type_id.title(), "Test",
                    outputs=(Output("clip", PortType.CLIP),), aliases=aliases)
    return NodeType(spec)


def test_entry_points_register_the_builtin_pack(registry: NodeRegistry) -> None:
    assert {node_type.spec.id for node_type in registry} == BUILTIN_IDS
    assert registry.pack_of("previz.shot") == "builtin"


def test_duplicate_id_is_an_error_naming_both_packs(registry: NodeRegistry) -> None:
    with pytest.raises(RegistryError, match=r"'previz\.shot'.*'acme'.*'builtin'"):
        registry.register(_node("previz.shot"), pack="acme")
    assert registry.pack_of("previz.shot") == "builtin"


def test_alias_resolves_a_renamed_node() -> None:
    registry = NodeRegistry()
    registry.register(_node("acme.depth_map", aliases=("acme.depth",)))
    assert registry.resolve("acme.depth") == "acme.depth_map"
    assert registry.get("acme.depth") is registry.get("acme.depth_map")
    assert "acme.depth" in registry
    with pytest.raises(RegistryError):
        registry.register(_node("acme.depth"))


def test_explicit_pack_registration() -> None:
    registry = NodeRegistry()
    registry.register_pack(SimpleNamespace(NODES=[_node("acme.a"), _node("acme.b")]), "acme")
    assert len(registry) == 2
    with pytest.raises(RegistryError, match="no NODES"):
        registry.register_pack(SimpleNamespace(), "empty")
    with pytest.raises(RegistryError, match="not a NodeType"):
        registry.register_pack(SimpleNamespace(NODES=["previz.shot"]), "bad")


def test_builtin_specs_are_complete(registry: NodeRegistry) -> None:
    for node_type in registry:
        spec = node_type.spec
        assert spec.display_name and spec.category and spec.description, spec.id
        assert spec.outputs, spec.id
        for param in spec.params:
            assert param.tooltip, f"{spec.id}.{param.name} has no tooltip"
            if param.default is not None:
                assert param.check(param.default) is None, f"{spec.id}.{param.name}"
    shot = registry.get("previz.shot")
    assert shot is not None
    names = {param.name for param in shot.spec.params}
    assert {"scene", "shot", "name", "duration", "fps", "width", "height", "shot_size", "angle",
            "lens", "sensor", "subjects", "seed", "takes", "backend", "model", "steps",
            "guidance", "notes", "dialogue"} <= names
    clip_nodes = {t.spec.id for t in registry if t.spec.is_output}
    assert clip_nodes == {"previz.still", "previz.shot", "previz.extend", "previz.interpolate",
                          "previz.retime"}


def test_upgrade_params_runs_each_step_in_order() -> None:
    spec = replace(
        _node("acme.blur").spec,
        version=3,
        upgrades={1: lambda p: {"radius": p["size"] * 2},
                  2: lambda p: {"radius_px": p["radius"]}},
    )
    assert spec.upgrade_params(1, {"size": 3}) == {"radius_px": 6}
    assert spec.upgrade_params(3, {"radius_px": 1}) == {"radius_px": 1}
