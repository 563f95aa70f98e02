"""A Scene dropped on the timeline means its shots, in slate order; clip nodes are themselves."""

from __future__ import annotations

from scene_builders import add_shot, bus_stop

from previz.app.scene_shots import clips_for_cut
from previz.core.registry import NodeRegistry


def test_a_scene_stands_for_its_shots_in_slate_order(registry: NodeRegistry) -> None:
    stop = bus_stop(registry)
    close = add_shot(registry, stop, on_cut=False, shot="0030")
    wide = add_shot(registry, stop, on_cut=False, shot="0010")
    medium = add_shot(registry, stop, on_cut=False, shot="0020")
    assert clips_for_cut(stop.project, registry, [stop.scene.id]) == \
        [wide.id, medium.id, close.id]
    # a shot named beside its scene comes once, where it is first named
    assert clips_for_cut(stop.project, registry, [close.id, stop.scene.id]) == \
        [close.id, wide.id, medium.id]


def test_a_scene_with_no_shots_and_unknown_ids_add_nothing(registry: NodeRegistry) -> None:
    stop = bus_stop(registry)
    assert clips_for_cut(stop.project, registry, [stop.scene.id, "no-such-node"]) == []
