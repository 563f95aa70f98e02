"""The node-author surface: what a node pack, built-in or third-party, may import."""

from __future__ import annotations

from previz.core.camera import (
    CameraPath,
    CameraPose,
    ShotCamera,
    base_framing,
    camera_path,
    continue_path,
    describe_moves,
    interpolate_poses,
    moves_label,
    with_handles,
)
from previz.core.identity import EXTRA_KEY as IDENTITY
from previz.core.identity import Identity, scene_identities
from previz.core.ports import PortType
from previz.core.scene import TIMES_OF_DAY, SceneValue, scene_from_params, side_moves
from previz.core.shot_camera import placed_pose
from previz.core.spec import (
    Input,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamIssue,
    ParamKind,
    format_fraction,
    parse_fraction,
)
from previz.core.subjects import SUBJECT_KINDS, Subject, parse_subjects
from previz.core.timing import frames_in
from previz.core.values import Clip, ConditioningImage, MoveValue, PromptValue
from previz.engine.backend import (
    Backend,
    Cancelled,
    CancelToken,
    Constraints,
    RenderRequest,
    Snapped,
)
from previz.engine.context import ExecuteContext, MediaServices, NodeError

__all__ = [
    "IDENTITY",
    "SUBJECT_KINDS",
    "TIMES_OF_DAY",
    "Backend",
    "CameraPath",
    "CameraPose",
    "CancelToken",
    "Cancelled",
    "Clip",
    "ConditioningImage",
    "Constraints",
    "ExecuteContext",
    "Identity",
    "Input",
    "MediaServices",
    "MoveValue",
    "NodeError",
    "NodeSpec",
    "NodeType",
    "Output",
    "Param",
    "ParamIssue",
    "ParamKind",
    "PortType",
    "PromptValue",
    "RenderRequest",
    "SceneValue",
    "ShotCamera",
    "Snapped",
    "Subject",
    "base_framing",
    "camera_path",
    "continue_path",
    "describe_moves",
    "format_fraction",
    "frames_in",
    "interpolate_poses",
    "moves_label",
    "parse_fraction",
    "parse_subjects",
    "placed_pose",
    "scene_from_params",
    "scene_identities",
    "side_moves",
    "with_handles",
]
