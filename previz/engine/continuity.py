"""Continuity warnings of a compiled plan: the cut's shots on scenes, with the params compiled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from previz.core.continuity import (
    ContinuityWarning,
    continuity_warnings,
    framing_problems,
    scene_cut,
)
from previz.core.project import Project
from previz.engine.plan import ExecutionPlan, PlannedNode


def plan_warnings(project: Project, plan: ExecutionPlan) -> list[ContinuityWarning]:
    """Every continuity warning of the cut, judged on the nodes that compiled without a problem
    (a node with a bad param has its own message already)."""
    sound = _sound(plan)
    return continuity_warnings(scene_cut(project, _params(sound), _labels(sound)))


def plan_framing_problems(project: Project, plan: ExecutionPlan) -> list[str]:
    """Shots on scenes whose subject is not in their scene (they would fail to render)."""
    sound = _sound(plan)
    return framing_problems(project, _params(sound), _labels(sound))


def _sound(plan: ExecutionPlan) -> dict[str, PlannedNode]:
    return {node_id: planned for node_id, planned in plan.nodes.items()
            if not plan.problems_of(node_id)}


def _params(planned: dict[str, PlannedNode]) -> dict[str, Mapping[str, Any]]:
    return {node_id: node.params for node_id, node in planned.items()}


def _labels(planned: dict[str, PlannedNode]) -> dict[str, str]:
    return {node_id: node.label for node_id, node in planned.items()}
