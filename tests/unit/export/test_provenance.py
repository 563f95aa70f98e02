"""Provenance: every exported MP4 and PNG carries its recipe, and dropping it back restores
the sub-graph that made it, equal up to new ids and positions."""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
import pytest
from PIL import Image, PngImagePlugin
from subgraphs import graph_of, same_graph

from previz.core.commands import History
from previz.core.ids import new_id
from previz.core.ports import PortType
from previz.core.project import Node, Project
from previz.core.registry import NodeRegistry
from previz.core.spec import NodeSpec, NodeType, Output, Param, ParamKind
from previz.core.values import Clip
from previz.export import RecipeError, missing_assets, read_recipe, recipe_for, restore_recipe


def source_graph(scene, node_name: str) -> tuple[set[str], nx.MultiDiGraph]:
    node_id = scene.nodes[node_name].id
    ids = {node_id, *scene.project.upstream(node_id)}
    return ids, graph_of(scene.project, ids)


@pytest.mark.parametrize("file", ["shots/03_020_0030.mp4",
                                  "png/03_020_0030/03_020_0030.0007.png"])
def test_a_dropped_file_restores_the_sub_graph_that_made_it(exported, file):
    scene = exported.scene
    recipe = read_recipe(exported.out / file)
    assert recipe is not None
    ids, expected = source_graph(scene, "lamp")
    assert set(recipe.graph.nodes) == ids  # shot, prompt, pan, tilt
    target = Project()
    history = History(target)
    command = restore_recipe(target, recipe, scene.registry, (1000.0, -50.0))
    history.push(command)
    assert same_graph(graph_of(target, set(target.nodes)), expected)
    assert not set(target.nodes) & ids
    positions = {node.position for node in target.nodes.values()}
    assert min(x for x, _ in positions) == 1000.0 and min(y for _, y in positions) == -50.0
    source_positions = sorted(scene.project.nodes[node_id].position for node_id in ids)
    shift = (1000.0 - source_positions[0][0], -50.0 - min(y for _, y in source_positions))
    assert sorted(positions) == sorted((x + shift[0], y + shift[1]) for x, y in source_positions)
    history.undo()
    assert not target.nodes and not target.links


def test_restoring_into_the_source_project_adds_a_copy(exported):
    scene = exported.scene
    recipe = read_recipe(exported.out / "shots" / "01_020_0010.mp4")
    project = Project()
    for node_id in recipe.graph.nodes:  # a project holding the very nodes the file came from
        original = scene.project.nodes[node_id]
        project.add_node(Node(original.id, original.type, dict(original.params),
                              original.position))
    History(project).push(restore_recipe(project, recipe, scene.registry, (0.0, 0.0)))
    assert len(project.nodes) == 2 * len(recipe.graph.nodes)


def test_the_recipe_says_how_the_clip_was_rendered(exported):
    scene = exported.scene
    recipe = read_recipe(exported.out / "shots" / "02_020_0020.mp4")
    [record] = recipe.renders
    deck = scene.plan.nodes[scene.nodes["deck"].id]
    assert (record.node, record.key, record.take, record.seed) == (deck.node_id, deck.key, 0, 0)
    assert (record.backend, record.model) == ("draft", "")
    data = recipe.to_json()
    assert data["schema"] == "Recipe.1"
    assert data["project"]["schema"] == "Project.2"
    assert data["project"]["nodes"][deck.node_id]["schema"] == "Node.1"
    assert recipe.generator.startswith("previz ")


def test_the_cut_movie_carries_every_shot(exported):
    recipe = read_recipe(exported.out / "harbour_cut.mp4")
    timeline = list(dict.fromkeys(entry.node for entry in exported.scene.project.timeline))
    assert list(recipe.roots) == timeline
    assert len(recipe.to_text()) > 4096  # multi-KB JSON survives the container


def test_assets_missing_here_are_reported_by_hash(exported):
    scene = exported.scene
    recipe = read_recipe(exported.out / "png" / "04_STILL_04" / "04_STILL_04.0001.png")
    [sha256] = recipe.graph.assets
    assert recipe.graph.assets[sha256].data == b""  # hashes, never bytes
    assert missing_assets(Project(), recipe) == [sha256]
    assert missing_assets(scene.project, recipe) == []


def test_files_without_a_recipe_read_as_none(tmp_path):
    Image.new("RGB", (8, 8)).save(tmp_path / "plain.png")
    (tmp_path / "notes.txt").write_text("not a picture")
    (tmp_path / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    for name in ("plain.png", "notes.txt", "fake.png", "absent.mp4"):
        assert read_recipe(tmp_path / name) is None


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "not JSON"),
    ('{"schema": "Recipe.9"}', "not a Recipe.1"),
    ('{"schema": "Recipe.1", "project": {"schema": "Project.1", "nodes": {"x": {}}},'
     ' "renders": []}', "malformed recipe graph"),
    ('{"schema": "Recipe.1", "project": {"schema": "Project.2", "settings": {"schema":'
     ' "Settings.1"}}, "renders": [{"node": "n", "key": "k"}]}', "names no node"),
    ('{"schema": "Recipe.1", "project": {"schema": "Project.1"}, "renders": [],'
     ' "x": 1e999}', "too large"),
    ("[" * 100000, "nests too deep|not JSON"),
])
def test_a_malformed_recipe_is_an_error_saying_what(tmp_path, text, message):
    info = PngImagePlugin.PngInfo()
    info.add_itxt("previz_recipe", text, zip=True)
    Image.new("RGB", (8, 8)).save(tmp_path / "bad.png", pnginfo=info)
    with pytest.raises(RecipeError, match=message):
        read_recipe(tmp_path / "bad.png")


def test_node_types_that_moved_on_are_upgraded_on_restore():
    def spec(version: int) -> NodeType:
        return NodeType(NodeSpec(
            id="acme.glow", version=version, display_name="Glow", category="Test",
            params=(Param("amount", ParamKind.FLOAT, 1.0),),
            outputs=(Output("prompt", PortType.PROMPT),),
            upgrades={1: lambda params: {"amount": params["amount"] * 2, "radius": 3}}))

    project = Project()
    glow = Node(new_id(), "acme.glow", {"amount": 0.5}, (5.0, 5.0), version=1)
    project.add_node(glow)
    recipe = recipe_for(project, {glow.id: Clip("k" * 64, Fraction(24), 8, 8, 1)})
    registry = NodeRegistry()
    registry.register(spec(2))
    [restored] = restore_recipe(Project(), recipe, registry, (0.0, 0.0)).nodes
    assert (restored.version, restored.params) == (2, {"amount": 1.0, "radius": 3})
