"""Continuity warnings of a compiled plan: the cut's shots on scenes, with the params compiled."""

from __future__ import annotations

from previz.core.continuity import ContinuityWarning, continuity_warnings, scene_cut
from previz.core.project import Project
from previz.engine.plan import ExecutionPlan


def plan_warnings(project: Project, plan: ExecutionPlan) -> list[ContinuityWarning]:
    """Every continuity warning of the cut, judged on the nodes that compiled without a problem
    (a node with a bad param has its own message already)."""
    sound = {node_id: planned for node_id, planned in plan.nodes.items()
             if not plan.problems_of(node_id)}
    resolved = {node_id: planned.params for node_id, planned in sound.items()}
    labels = {node_id: planned.label for node_id, planned in sound.items()}
    return continuity_warnings(scene_cut(project, resolved, labels))
