"""``compile_plan``: from a project to the DAG that renders its targets, with every problem.

Pure: no I/O, no rendering. It strips layout, resolves inherited params, prunes the graph to
the targets' ancestors, computes each take's cache key and reports every problem at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from previz.core.labels import node_label
from previz.core.ports import can_connect
from previz.core.project import Node, PortRef, Project
from previz.core.registry import NodeRegistry
from previz.core.scene import resolve_cast, resolve_location
from previz.core.spec import NodeSpec, NodeType, ParamKind, format_fraction
from previz.engine.backend import Catalog
from previz.engine.keys import KeyBasis, take_key
from previz.engine.problems import Problem, ProblemKind


@dataclass(frozen=True)
class PlannedNode:
    """A node as the executor sees it: type, resolved params, inputs, backend and take keys."""

    node_id: str
    label: str
    node_type: NodeType
    params: Mapping[str, Any]
    inputs: Mapping[str, PortRef]
    backend: str = ""
    model: str = ""
    keys: tuple[str, ...] = ()
    circled_take: int = 0
    notes: tuple[str, ...] = ()
    fingerprint: str = ""
    takes_note: str = ""  # why fewer takes are planned than the node asks for

    @property
    def spec(self) -> NodeSpec:
        """The node type's spec."""
        return self.node_type.spec

    @property
    def key(self) -> str:
        """The key of the circled take: what flows downstream and onto the timeline."""
        return self.keys[self.circled_take] if self.keys else ""


@dataclass(frozen=True)
class ExecutionPlan:
    """The pruned DAG (node ids, edges labelled with ports), its nodes and every problem."""

    graph: nx.DiGraph
    nodes: Mapping[str, PlannedNode]
    order: tuple[str, ...]
    targets: tuple[str, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether nothing stands in the way of rendering every target."""
        return not self.problems

    def problems_of(self, node_id: str) -> list[Problem]:
        """The problems found at one node."""
        return [problem for problem in self.problems if problem.node_id == node_id]


@dataclass
class _Compiler:
    project: Project
    registry: NodeRegistry
    catalog: Catalog | None
    is_cached: Callable[[str], bool]
    default_backend: str
    problems: list[Problem] = field(default_factory=list)
    planned: dict[str, PlannedNode] = field(default_factory=dict)

    def label(self, node_id: str) -> str:
        node = self.project.nodes[node_id]
        node_type = self.registry.get(node.type)
        return node_label(node, node_type.spec if node_type else None, self.project)

    def report(self, kind: ProblemKind, node_id: str, port: str, message: str) -> None:
        self.problems.append(Problem(kind, node_id, self.label(node_id), port, message))


def compile_plan(
    project: Project,
    targets: Iterable[str] | None,
    *,
    registry: NodeRegistry,
    catalog: Catalog | None = None,
    is_cached: Callable[[str], bool] | None = None,
    default_backend: str = "draft",
) -> ExecutionPlan:
    """The plan that renders ``targets`` (default: every clip on the timeline).

    ``catalog`` says which backends and models are here; without it, backend and model
    problems are not looked for. ``is_cached(key)`` says whether a render is in the store, so a
    missing model is a problem only where renders are missing too.
    """
    target_ids = _targets(project, targets)
    compiler = _Compiler(project, registry, catalog, is_cached or (lambda key: False),
                         default_backend)
    graph = _graph(project, target_ids)
    blocked = _check_cycles(compiler, graph)
    order = list(nx.topological_sort(graph.subgraph(set(graph) - blocked)))
    for node_id in order + sorted(blocked):
        _check_node(compiler, node_id)
    for node_id in order:
        _plan_node(compiler, node_id)
    planned_order = tuple(node_id for node_id in order if node_id in compiler.planned)
    return ExecutionPlan(graph, dict(compiler.planned), planned_order, tuple(target_ids),
                         tuple(compiler.problems))


def _targets(project: Project, targets: Iterable[str] | None) -> list[str]:
    chosen = [entry.node for entry in project.timeline] if targets is None else list(targets)
    for node_id in chosen:
        if node_id not in project.nodes:
            raise KeyError(f"no node {node_id} in the project")
    return list(dict.fromkeys(chosen))


def _graph(project: Project, targets: Sequence[str]) -> nx.DiGraph:
    full = nx.DiGraph()
    full.add_nodes_from(project.nodes)
    for link in project.links.values():
        full.add_edge(link.source.node, link.target.node, link=link.id)
    keep = set(targets)
    for target in targets:
        keep |= nx.ancestors(full, target)
    return full.subgraph(keep).copy()


def _check_cycles(compiler: _Compiler, graph: nx.DiGraph) -> set[str]:
    blocked: set[str] = set()
    for component in nx.strongly_connected_components(graph):
        first = min(component)
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        edges = nx.find_cycle(graph.subgraph(component), first)
        names = " → ".join(compiler.label(node_id) for node_id in [*(u for u, _ in edges), first])
        compiler.report(ProblemKind.CYCLE, first, "", f"the graph loops: {names}")
        blocked |= component
    for node_id in list(blocked):
        blocked |= nx.descendants(graph, node_id)
    return blocked


def _check_node(compiler: _Compiler, node_id: str) -> None:
    node = compiler.project.nodes[node_id]
    node_type = compiler.registry.get(node.type)
    if node_type is None:
        compiler.report(ProblemKind.UNKNOWN_TYPE, node_id, "",
                        f"no installed node pack provides {node.type!r}")
        return
    _check_links(compiler, node, node_type.spec)
    _check_params(compiler, node, node_type.spec)
    if node_type.execute is None:
        compiler.report(ProblemKind.NOT_RUNNABLE, node_id, "",
                        f"{node_type.spec.display_name} nodes cannot run in this version")


def _check_links(compiler: _Compiler, node: Node, spec: NodeSpec) -> None:
    linked = set()
    for link in compiler.project.links.values():
        if link.target.node != node.id:
            continue
        port = spec.input(link.target.port)
        linked.add(link.target.port)
        if port is None:
            compiler.report(ProblemKind.UNKNOWN_PORT, node.id, link.target.port,
                            f"{spec.display_name} has no input {link.target.port!r}")
            continue
        source = compiler.project.nodes[link.source.node]
        source_type = compiler.registry.get(source.type)
        output = source_type.spec.output(link.source.port) if source_type else None
        if source_type is not None and output is None:
            compiler.report(ProblemKind.UNKNOWN_PORT, node.id, link.target.port,
                            f"{compiler.label(source.id)} has no output {link.source.port!r}")
        elif output is not None and not can_connect(output.type, port.type):
            compiler.report(ProblemKind.TYPE_MISMATCH, node.id, link.target.port,
                            f"expects {port.type}, but {compiler.label(source.id)} gives"
                            f" {output.type}")
    for port in spec.inputs:
        if not port.optional and port.name not in linked:
            compiler.report(ProblemKind.MISSING_INPUT, node.id, port.name,
                            f"needs a {port.type} connected to {port.label or port.name}")
    for group in spec.one_of:
        if not linked & set(group):
            kinds = " or a ".join(str(port.type) for name in group if (port := spec.input(name)))
            compiler.report(ProblemKind.MISSING_INPUT, node.id, group[0],
                            f"needs a {kinds} connected")


def _check_params(compiler: _Compiler, node: Node, spec: NodeSpec) -> None:
    params = resolve_params(compiler.project, node, spec)
    bad = False
    for param in spec.params:
        problem = param.check(params[param.name])
        if problem:
            bad = True
            compiler.report(ProblemKind.BAD_PARAM, node.id, param.name, problem)
    if not bad and spec.validate is not None:
        for issue in spec.validate(dict(params)):
            compiler.report(ProblemKind.BAD_PARAM, node.id, issue.param, issue.message)


def resolve_params(project: Project, node: Node, spec: NodeSpec) -> dict[str, Any]:
    """Every param of ``node``: its stored value, else the default; inherited ones filled in,
    and library ids (a scene's location and cast) as the records they name, so the records
    are in the cache key."""
    settings = project.settings
    inherited = {"rate": format_fraction(settings.rate), "width": settings.width,
                 "height": settings.height}
    params = {}
    for param in spec.params:
        value = node.params.get(param.name, param.default)
        if value is None and param.inherit in inherited:
            value = inherited[param.inherit]
        if param.kind is ParamKind.LOCATION:
            value = resolve_location(project.locations, value)
        elif param.kind is ParamKind.CAST:
            value = resolve_cast(project.cast, value)
        params[param.name] = value
    return params


def _plan_node(compiler: _Compiler, node_id: str) -> None:
    node = compiler.project.nodes[node_id]
    node_type = compiler.registry.get(node.type)
    if node_type is None:
        return
    spec = node_type.spec
    params = resolve_params(compiler.project, node, spec)
    inputs = {link.target.port: link.source for link in compiler.project.links.values()
              if link.target.node == node_id}
    upstream = {name: compiler.planned[ref.node] for name, ref in inputs.items()
                if ref.node in compiler.planned}
    if len(upstream) < len(inputs):
        return  # an input's node could not be planned; its problem is already reported
    render = _render_target(compiler, spec, params, upstream)
    basis = KeyBasis(spec, params, render.backend, render.version, render.model,
                     render.fingerprint, {name: planned.key for name, planned in upstream.items()})
    asked = _take_count(spec, params)
    info = compiler.catalog.get(render.backend) if compiler.catalog and spec.renders else None
    takes_note = info.takes_note(asked) if info is not None else ""
    keys = tuple(take_key(basis, take) for take in range(1 if takes_note else asked))
    compiler.planned[node_id] = PlannedNode(
        node_id, compiler.label(node_id), node_type, params, inputs, render.backend,
        render.model, keys, max(0, min(node.circled_take, len(keys) - 1)), render.notes,
        render.fingerprint, takes_note,
    )
    if spec.renders:
        _check_backend(compiler, node_id, render.backend, render.model, keys)


def _take_count(spec: NodeSpec, params: Mapping[str, Any]) -> int:
    """How many takes to plan: the ``takes`` param when it is valid, else one (a bad value is
    reported as a problem, and must not plan a billion keys)."""
    param = spec.param("takes")
    value = params.get("takes")
    if param is None or param.check(value) is not None or not isinstance(value, int):
        return 1
    return max(value, 1)


@dataclass(frozen=True)
class _RenderTarget:
    backend: str = ""
    model: str = ""
    version: str = ""
    fingerprint: str = ""
    notes: tuple[str, ...] = ()


def _render_target(compiler: _Compiler, spec: NodeSpec, params: Mapping[str, Any],
                   upstream: Mapping[str, PlannedNode]) -> _RenderTarget:
    """The backend and model a node renders with, their versions, and why it may be stale.

    A node without its own backend param continues the backend of the clip it takes.
    """
    if not spec.renders:
        return _RenderTarget()
    clips = [planned for planned in upstream.values() if planned.backend]
    if "backend" in params:
        backend_id, model = str(params["backend"] or ""), str(params.get("model") or "")
    elif clips:
        backend_id, model = clips[0].backend, clips[0].model
    else:
        backend_id, model = "", ""
    backend_id = backend_id or compiler.default_backend
    backend = compiler.catalog.get(backend_id) if compiler.catalog else None
    if not model and backend is not None:
        model = backend.default_model  # so changing the default re-keys the shots using it
    version = backend.version if backend else ""
    recorded = compiler.project.models.get(model, "") if model else ""
    local = backend.models[model].fingerprint if backend and model in backend.models else ""
    notes: tuple[str, ...] = ()
    if local and recorded and local != recorded:
        notes = (f"model {model} has changed since this project rendered with it: re-rendering",)
    return _RenderTarget(backend_id, model, version, local or recorded, notes)


def _check_backend(compiler: _Compiler, node_id: str, backend_id: str, model: str,
                   keys: Sequence[str]) -> None:
    if compiler.catalog is None or all(compiler.is_cached(key) for key in keys):
        return
    backend = compiler.catalog.get(backend_id)
    if backend is None:
        known = ", ".join(compiler.catalog.backends) or "none"
        compiler.report(ProblemKind.BACKEND_MISSING, node_id, "backend",
                        f"backend {backend_id!r} is not available here (available: {known})")
        return
    if model and model not in backend.models:
        compiler.report(ProblemKind.MODEL_MISSING, node_id, "model",
                        f"model {model!r} is not in the {backend_id} model library;"
                        f" add it with `previz models scan` or `previz models pull`")
