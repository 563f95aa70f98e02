"""Provenance (DESIGN §11): the recipe of a shot, carried inside every exported MP4 and PNG.

A recipe is the sub-graph that made a clip (the node and its ancestors, in the project file's
own JSON forms, with asset records by hash but not their bytes) plus how each clip was
rendered (take, seed, backend, model and its fingerprint). MP4s carry it as the container tag
``previz_recipe``, PNGs as an ``iTXt`` chunk of the same name. Dropping such a file into the
app restores the sub-graph with new ids, where the file was dropped.
"""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, PngImagePlugin, UnidentifiedImageError

from previz import __version__
from previz.core.commands import AddNodes
from previz.core.errors import ProjectError
from previz.core.ids import new_id
from previz.core.project import Asset, Link, Node, PortRef, Project
from previz.core.project_json import project_from_dict, project_to_dict
from previz.core.registry import NodeRegistry
from previz.core.values import Clip
from previz.media import MediaError, read_metadata

RECIPE_KEY = "previz_recipe"
SCHEMA = "Recipe.1"
MAX_RECIPE_CHARS = 16 << 20
# A recipe's graph is a project one level down; a project file nests at most 100 levels
# (LoadLimits.max_json_depth), so a deeper recipe could be restored but never saved.
MAX_RECIPE_DEPTH = 99
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class RecipeError(ValueError):
    """A file whose recipe cannot be read or restored; says what is wrong with it."""


@dataclass(frozen=True)
class RenderRecord:
    """How one clip of a recipe was rendered: its node, take key, seed, backend and model."""

    node: str
    key: str
    take: int = 0
    seed: int | None = None
    backend: str = ""
    model: str = ""
    model_fingerprint: str = ""

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"node": self.node, "key": self.key, "take": self.take, "seed": self.seed,
                "backend": self.backend, "model": self.model,
                "model_fingerprint": self.model_fingerprint}


@dataclass(frozen=True)
class Recipe:
    """The sub-graph behind an exported file and how its clips were rendered.

    ``graph`` is a project holding just that sub-graph: nodes, the links among them, the
    records (not the bytes) of the assets they use, the fingerprints of their models and the
    settings their inherited params resolved against. ``renders`` names the clip-making
    nodes the file shows, in order.
    """

    graph: Project
    renders: tuple[RenderRecord, ...]
    generator: str = ""

    @property
    def roots(self) -> tuple[str, ...]:
        """The nodes whose clips the file shows."""
        return tuple(record.node for record in self.renders)

    def to_json(self) -> dict[str, Any]:
        """The stored form: ``Recipe.1``, with the sub-graph as a ``Project``."""
        return {"schema": SCHEMA, "generator": self.generator,
                "project": project_to_dict(self.graph),
                "renders": [record.to_json() for record in self.renders]}

    def to_text(self) -> str:
        """Compact, sorted JSON, as it goes into a file's metadata."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_json(cls, data: Any, upgrade: Callable[[Any], Any] | None = None) -> Recipe:
        """A recipe from its stored form, its graph first brought to the current schemas by
        ``upgrade`` when given; ``RecipeError`` says what is malformed."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            found = data.get("schema") if isinstance(data, dict) else type(data).__name__
            raise RecipeError(f"not a {SCHEMA}: {found!r}")
        try:
            graph = project_from_dict(upgrade(data.get("project")) if upgrade
                                      else data.get("project"))
        except ProjectError as error:
            raise RecipeError(f"malformed recipe graph: {error}") from None
        renders = tuple(_record(item, graph) for item in _list(data.get("renders"), "renders"))
        generator = data.get("generator", "")
        return cls(graph, renders, generator if isinstance(generator, str) else "")


def recipe_for(project: Project, clips: Mapping[str, Clip]) -> Recipe:
    """The recipe of the clips of ``clips`` (by node id, in order): those nodes, their
    ancestors, the links among them, their assets' records and their models' fingerprints."""
    keep: set[str] = set()
    for node_id in clips:
        keep |= {node_id, *project.upstream(node_id)}
    graph = Project(copy.deepcopy(project.settings))
    for node_id in sorted(keep):
        graph.add_node(copy.deepcopy(project.nodes[node_id]))
    for link in project.links.values():
        if link.source.node in keep and link.target.node in keep:
            graph.add_link(copy.deepcopy(link))
    for sha256 in sorted(_asset_hashes(graph.nodes.values(), project.assets)):
        asset = project.assets[sha256]
        graph.add_asset(Asset(sha256, asset.name, asset.ext, b"", copy.deepcopy(asset.extra)))
    named = _ids_named(graph.nodes.values())
    graph.cast = {key: value for key, value in project.cast.items() if key in named}
    graph.locations = {key: value for key, value in project.locations.items() if key in named}
    renders = tuple(_render_record(node_id, clip) for node_id, clip in clips.items())
    graph.models = {record.model: record.model_fingerprint for record in renders
                    if record.model and record.model_fingerprint}
    return Recipe(graph, renders, f"previz {__version__}")


def png_info(recipe: Recipe) -> PngImagePlugin.PngInfo:
    """A PNG text chunk holding ``recipe``, for ``Image.save(..., pnginfo=…)``."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt(RECIPE_KEY, recipe.to_text(), zip=True)
    return info


def read_recipe(path: str | os.PathLike[str],
                upgrade: Callable[[Any], Any] | None = None) -> Recipe | None:
    """The recipe an exported PNG or movie carries; ``None`` for a file without one (or no
    readable picture at all); ``RecipeError`` for a recipe that is there but malformed.
    ``upgrade`` brings a graph saved at older schema versions to the current ones."""
    text = _png_text(Path(path)) if _is_png(Path(path)) else _movie_text(Path(path))
    if text is None:
        return None
    if len(text) > MAX_RECIPE_CHARS:
        raise RecipeError(f"{path}: a recipe of {len(text)} characters is too large")
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except (ValueError, RecursionError) as error:
        raise RecipeError(f"{path}: the recipe is not JSON: {error}") from None
    if _depth(data) > MAX_RECIPE_DEPTH:
        raise RecipeError(f"{path}: the recipe nests deeper than {MAX_RECIPE_DEPTH} levels,"
                          " more than a project file may")
    try:
        return Recipe.from_json(data, upgrade)
    except RecursionError:
        raise RecipeError(f"{path}: the recipe nests too deep") from None
    except RecipeError as error:
        raise RecipeError(f"{path}: {error}") from None


def _depth(value: Any) -> int:
    """How deep objects and lists nest in ``value`` (walked without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def restore_recipe(project: Project, recipe: Recipe, registry: NodeRegistry,
                   at: tuple[float, float]) -> AddNodes:
    """The command that brings ``recipe``'s sub-graph into ``project``: new ids, links
    remapped, the sub-graph's top-left corner at ``at``, params of node types that have
    moved on since upgraded. Pushing it is one undo step; ``missing_assets`` lists the
    images it needs that ``project`` lacks."""
    graph = recipe.graph
    ids = {node_id: new_id() for node_id in graph.nodes}
    left, top = _corner(graph.nodes.values())
    nodes = []
    for node in graph.nodes.values():
        position = (at[0] + node.position[0] - left, at[1] + node.position[1] - top)
        nodes.append(_restored_node(node, ids[node.id], position, registry))
    links = [Link(new_id(), PortRef(ids[link.source.node], link.source.port,
                                    copy.deepcopy(link.source.extra)),
                  PortRef(ids[link.target.node], link.target.port,
                          copy.deepcopy(link.target.extra)), copy.deepcopy(link.extra))
             for link in graph.links.values()]
    return AddNodes(nodes, links)


def missing_assets(project: Project, recipe: Recipe) -> list[str]:
    """The SHA-256 of every image the recipe uses that ``project`` does not hold."""
    return sorted(sha256 for sha256 in recipe.graph.assets
                  if sha256 not in project.assets or not project.assets[sha256].data)


def _render_record(node_id: str, clip: Clip) -> RenderRecord:
    provenance = clip.provenance
    take, seed = provenance.get("take", 0), provenance.get("seed")
    return RenderRecord(node_id, clip.key, take if isinstance(take, int) else 0,
                        seed if isinstance(seed, int) else None,
                        str(provenance.get("backend") or ""), str(provenance.get("model") or ""),
                        str(provenance.get("model_fingerprint") or ""))


def _ids_named(nodes: Iterable[Node]) -> set[str]:
    """Every string in the nodes' params (a scene names its cast and location by id)."""
    found: set[str] = set()
    stack: list[Any] = [node.params for node in nodes]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _asset_hashes(nodes: Iterable[Node], assets: Mapping[str, Asset]) -> set[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str) and value in assets:
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for node in nodes:
        walk(node.params)
    return found


def _restored_node(node: Node, node_id: str, position: tuple[float, float],
                   registry: NodeRegistry) -> Node:
    restored = Node(node_id, node.type, copy.deepcopy(node.params), position, node.circled_take,
                    node.version, copy.deepcopy(node.extra))
    node_type = registry.get(node.type)
    if node_type is None:
        return restored  # kept as it is, like an unknown node type in a project file
    spec = node_type.spec
    restored.type = spec.id
    if node.version < spec.version:
        try:
            restored.params = spec.upgrade_params(node.version, restored.params)
        # A node pack's upgrade meets whatever the file holds; its failure is the file's.
        except Exception as error:
            raise RecipeError(f"cannot upgrade {node.type} params from version {node.version}:"
                              f" {error!r}") from None
        restored.version = spec.version
    return restored


def _corner(nodes: Iterable[Node]) -> tuple[float, float]:
    positions = [node.position for node in nodes] or [(0.0, 0.0)]
    return min(x for x, _ in positions), min(y for _, y in positions)


def _record(item: Any, graph: Project) -> RenderRecord:
    if not isinstance(item, dict):
        raise RecipeError("a render record is not an object")
    node, key = item.get("node"), item.get("key")
    if not isinstance(node, str) or node not in graph.nodes:
        raise RecipeError(f"a render record names no node of the recipe: {node!r}")
    if not isinstance(key, str):
        raise RecipeError(f"render record of {node}: the key is not text")
    take, seed = item.get("take", 0), item.get("seed")
    texts = [item.get(name, "") for name in ("backend", "model", "model_fingerprint")]
    if not isinstance(take, int) or not (seed is None or isinstance(seed, int)) or not all(
            isinstance(text, str) for text in texts):
        raise RecipeError(f"render record of {node}: malformed take, seed, backend or model")
    return RenderRecord(node, key, take, seed, *texts)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise RecipeError(f"{where}: expected a list")
    return value


def _is_png(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(len(_PNG_SIGNATURE)) == _PNG_SIGNATURE
    except OSError:
        return False


def _png_text(path: Path) -> str | None:
    # Only the chunks before the pixels are read: the recipe is written ahead of them.
    try:
        with Image.open(path) as image:
            text = image.info.get(RECIPE_KEY)
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    return str(text) if isinstance(text, str) else None


def _movie_text(path: Path) -> str | None:
    try:
        return read_metadata(path).get(RECIPE_KEY)
    except (MediaError, OSError):
        return None


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value

