"""A farm job: one take as plain data (its sub-graph, its assets by hash, its key).

A job survives a JSON round trip: the node and its ancestors in the project file's own JSON
forms (asset records without their bytes, the cast and locations they name, the fingerprints
of their models), the take, its key and the keys of the clips flowing into it. A worker
compiles the sub-graph with its own node packs and backends and renders that one take; the
key it compiles must be the job's, or its software differs from the head's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from previz.core.ports import PortType
from previz.core.project import Asset, Project
from previz.core.project_json import project_from_dict, project_to_dict
from previz.core.values import Clip
from previz.engine.plan import PlannedNode
from previz.engine.runner import TakeJob

SCHEMA = "FarmJob.1"


class JobError(ValueError):
    """A job that cannot be read back, saying what is wrong with it."""


@dataclass(frozen=True)
class Resources:
    """What Ray must find free on a worker before it places the job."""

    cpus: float = 1.0
    gpus: float = 0.0

    def to_json(self) -> dict[str, float]:
        """The stored form."""
        return {"cpus": self.cpus, "gpus": self.gpus}


@dataclass(frozen=True)
class FarmJob:
    """One take of one node, for a worker: what it renders, from what, and where it goes."""

    node_id: str
    take: int
    key: str
    graph: dict[str, Any]
    upstream: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()
    backend: str = ""
    model: str = ""
    resources: Resources = field(default_factory=Resources)

    def to_json(self) -> dict[str, Any]:
        """The stored form, ``FarmJob.1``."""
        return {"schema": SCHEMA, "node": self.node_id, "take": self.take, "key": self.key,
                "graph": self.graph, "upstream": list(self.upstream),
                "assets": list(self.assets), "backend": self.backend, "model": self.model,
                "resources": self.resources.to_json()}

    def to_text(self) -> str:
        """Compact, sorted JSON."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"),
                          allow_nan=False)

    @classmethod
    def from_json(cls, data: Any) -> FarmJob:
        """A job from its stored form; ``JobError`` says what is malformed."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise JobError(f"not a {SCHEMA}")
        try:
            resources = data.get("resources") or {}
            return cls(str(data["node"]), int(data["take"]), str(data["key"]),
                       dict(data["graph"]), tuple(map(str, data.get("upstream", ()))),
                       tuple(map(str, data.get("assets", ()))), str(data.get("backend", "")),
                       str(data.get("model", "")),
                       Resources(float(resources.get("cpus", 1)),
                                 float(resources.get("gpus", 0))))
        except (KeyError, TypeError, ValueError) as error:
            raise JobError(f"malformed {SCHEMA}: {error}") from None

    @classmethod
    def from_text(cls, text: str) -> FarmJob:
        """A job from its JSON text."""
        try:
            return cls.from_json(json.loads(text))
        except ValueError as error:
            raise JobError(f"malformed {SCHEMA}: {error}") from None

    def project(self, asset_bytes: Mapping[str, bytes]) -> Project:
        """The job's sub-graph as a project, its assets filled in from ``asset_bytes``."""
        project = project_from_dict(self.graph)
        for sha256, asset in list(project.assets.items()):
            project.assets[sha256] = Asset(sha256, asset.name, asset.ext,
                                           asset_bytes.get(sha256, b""), asset.extra)
        return project


def makes_clips(planned: PlannedNode) -> bool:
    """Whether a node's outputs are clips (only such takes go to the farm)."""
    outputs = planned.spec.outputs
    return bool(outputs) and all(port.type is PortType.CLIP for port in outputs)


def job_for(job: TakeJob) -> FarmJob:
    """The farm job of a take the executor handed over (which must carry its project)."""
    if job.project is None:
        raise ValueError("a take job without its project cannot go to the farm")
    planned = job.planned
    graph = sub_graph(job.project, planned)
    upstream = tuple(dict.fromkeys(value.key for value in job.inputs.values()
                                   if isinstance(value, Clip)))
    return FarmJob(planned.node_id, job.take, planned.keys[job.take], project_to_dict(graph),
                   upstream, tuple(sorted(graph.assets)), planned.backend, planned.model,
                   resources_for(planned))


def resources_for(planned: PlannedNode) -> Resources:
    """A model backend's take needs a GPU; a take without a model (the draft) one CPU."""
    return Resources(cpus=1.0, gpus=1.0) if planned.model else Resources()


def sub_graph(project: Project, planned: PlannedNode) -> Project:
    """The node and its ancestors, the links among them, the records (not the bytes) of the
    assets and the cast and locations they name, and the fingerprint of its model."""
    keep = {planned.node_id, *project.upstream(planned.node_id)}
    graph = Project(copy.deepcopy(project.settings))
    for node_id in sorted(keep):
        graph.add_node(copy.deepcopy(project.nodes[node_id]))
    for link in project.links.values():
        if link.source.node in keep and link.target.node in keep:
            graph.add_link(copy.deepcopy(link))
    named = _strings(node.params for node in graph.nodes.values())
    graph.cast = {key: value for key, value in project.cast.items() if key in named}
    graph.locations = {key: value for key, value in project.locations.items() if key in named}
    named |= _strings([*(c.to_dict() for c in graph.cast.values()),
                       *(place.to_dict() for place in graph.locations.values())])
    for sha256 in sorted(named & set(project.assets)):
        asset = project.assets[sha256]
        graph.add_asset(Asset(sha256, asset.name, asset.ext, b"", copy.deepcopy(asset.extra)))
    graph.models = dict(project.models)
    if planned.model and planned.fingerprint:
        graph.models[planned.model] = planned.fingerprint
    return graph


def _strings(values: Iterable[Any]) -> set[str]:
    """Every string anywhere inside ``values`` (ids of cast, locations and assets)."""
    found: set[str] = set()
    stack: list[Any] = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return found
