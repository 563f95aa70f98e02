"""Reading a .previz file: check the archive, parse and upgrade project.json, attach the assets."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from previz.core.errors import ProjectError
from previz.core.project import Project
from previz.core.project_json import project_from_dict
from previz.core.registry import NodeRegistry
from previz.io.archive import PROJECT_JSON, Archive, LoadLimits, RenderEntry, open_archive
from previz.io.limits import check_project_json, refuse_slow_input
from previz.io.upgrades import Upgrades, default_upgrades

DAMAGED_NODE = "previz.damaged_node"
MAX_DAMAGED_NODES = 100

def load_project(path: str | os.PathLike[str], *, registry: NodeRegistry | None = None,
                 upgrades: Upgrades | None = None, limits: LoadLimits | None = None,
                 damaged: list[ProjectError] | None = None) -> Project:
    """The project saved at ``path``, with every asset's bytes; nothing is written anywhere.

    Every problem is a ``ProjectError`` naming the file and the entry or field. Objects saved
    at older schema versions pass through ``upgrades`` (the built-in ones by default). With a
    ``registry``, a node saved by an older version of its type has its params upgraded by the
    type's spec; node types the registry lacks are kept as they are. Renders bundled under
    ``renders/`` are checked but not read: ``list_renders`` names them.

    A node that cannot be read (a damaged params object, a position that is no number) does
    not refuse the file: it is kept, as it was, inside an unknown node of type
    ``DAMAGED_NODE`` (written back unchanged, reported by the compiler as unknown), and its
    problem is added to ``damaged`` when given.
    """
    limits = limits or LoadLimits()
    with open_archive(path, limits) as archive:
        raw = _project_json(archive, limits)
        raw = (upgrades or default_upgrades()).apply(raw, archive.where(PROJECT_JSON))
        refuse_slow_input(raw, limits, archive.where(PROJECT_JSON))
        project = _project(raw, archive, damaged if damaged is not None else [])
        _attach_assets(project, archive, limits)
        if registry is not None:
            _upgrade_node_params(project, registry, archive)
    return project


def _project(raw: Any, archive: Archive, damaged: list[ProjectError]) -> Project:
    """The project in ``raw``, with nodes that cannot be read kept aside as damaged ones."""
    while True:
        try:
            return project_from_dict(raw)
        except ProjectError as error:
            field = () if error.where in ("", PROJECT_JSON) else (error.where,)
            refusal = ProjectError(error.what, archive.where(PROJECT_JSON, *field))
            node_id = _damaged_node(raw, error.where)
            if node_id is None or len(damaged) >= MAX_DAMAGED_NODES:
                raise refusal from None
            raw["nodes"][node_id] = _quarantined(raw["nodes"][node_id], error)
            damaged.append(refusal)


def _damaged_node(raw: Any, where: str) -> str | None:
    """The id of the node a problem at ``where`` lies in, if it can be set aside."""
    parts = where.split(".")
    if len(parts) < 2 or parts[0] != "nodes" or not isinstance(raw, dict):
        return None
    nodes = raw.get("nodes")
    node = nodes.get(parts[1]) if isinstance(nodes, dict) else None
    if node is None or (isinstance(node, dict) and node.get("type") == DAMAGED_NODE):
        return None  # the id itself is bad, or a damaged node is damaged: refuse the file
    return parts[1]


def _quarantined(node: Any, error: ProjectError) -> dict[str, Any]:
    return {"schema": "Node.1", "type": DAMAGED_NODE, "version": 1, "params": {},
            "position": [0.0, 0.0], "circled_take": 0,
            "damaged": {"problem": f"{error.where}: {error.what}", "node": node}}


def list_renders(path: str | os.PathLike[str], *,
                 limits: LoadLimits | None = None) -> list[RenderEntry]:
    """The renders bundled in a project file, checked as ``load_project`` checks them, unread."""
    with open_archive(path, limits or LoadLimits()) as archive:
        return archive.renders()


def _project_json(archive: Archive, limits: LoadLimits) -> Any:
    info = archive.entry(PROJECT_JSON)
    if info is None:
        raise ProjectError(f"not a Previz project: no {PROJECT_JSON} in the archive",
                           archive.path)
    data = archive.read(info, limits.max_project_json_bytes)
    return check_project_json(data, limits, archive.where(PROJECT_JSON))


def _attach_assets(project: Project, archive: Archive, limits: LoadLimits) -> None:
    total = 0
    for asset in project.assets.values():
        name = f"assets/{asset.sha256}.{asset.ext}"
        info = archive.entry(name)
        if info is None:
            raise ProjectError(f"asset {asset.name!r} is missing from the file",
                               archive.where(name))
        total += info.file_size
        if total > limits.max_total_asset_bytes:
            raise ProjectError(f"assets over the limit of {limits.max_total_asset_bytes} bytes"
                               " in all", archive.where(name))
        data = archive.read(info, limits.max_asset_bytes)
        if hashlib.sha256(data).hexdigest() != asset.sha256:
            raise ProjectError(f"asset {asset.name!r} does not match its SHA-256: the file is"
                               " damaged", archive.where(name))
        asset.data = data


def _upgrade_node_params(project: Project, registry: NodeRegistry, archive: Archive) -> None:
    for node in project.nodes.values():
        node_type = registry.get(node.type)
        if node_type is None:
            continue
        node.type = node_type.spec.id  # a node type renamed since: its alias resolves here
        if node.version >= node_type.spec.version:
            continue
        where = archive.where(PROJECT_JSON, f"nodes.{node.id}.params")
        try:
            params = node_type.spec.upgrade_params(node.version, node.params)
            json.dumps(params, allow_nan=False)
        # A node pack's upgrade meets whatever the file holds; its failure is the file's problem.
        except Exception as error:
            raise ProjectError(f"cannot upgrade {node.type} params from version {node.version}"
                               f" to {node_type.spec.version}: {error!r}", where) from None
        if not isinstance(params, dict):
            raise ProjectError(f"the upgrade of {node.type} params gave no object", where)
        node.params, node.version = params, node_type.spec.version
