"""What a node added in the app starts with from the project, beyond its type's defaults."""

from __future__ import annotations

from typing import Any

from previz.core.project import Project
from previz.core.project_settings import new_shot_params
from previz.core.spec import NodeSpec, ParamKind

SHOT_TYPE = "previz.shot"


def only_choices(project: Project, spec: NodeSpec) -> dict[str, Any]:
    """A location param set to the project's location, a cast param to its character, where
    the project has exactly one: what a filmmaker who made them means by a new scene."""
    params: dict[str, Any] = {}
    for param in spec.params:
        if param.kind == ParamKind.LOCATION and len(project.locations) == 1:
            params[param.name] = next(iter(project.locations))
        elif param.kind == ParamKind.CAST and len(project.cast) == 1:
            params[param.name] = [next(iter(project.cast))]
    return params


def new_node_params(project: Project, spec: NodeSpec) -> dict[str, Any]:
    """The params a new node of ``spec`` starts with in ``project`` (over its defaults)."""
    params = only_choices(project, spec)
    if spec.id == SHOT_TYPE:  # what the project says new shots render with
        params.update(new_shot_params(project.settings))
    return params
