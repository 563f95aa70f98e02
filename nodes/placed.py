"""A Shot's camera placed by hand: its params, and the base pose and moves it renders with."""

from __future__ import annotations

from typing import Any

from previz.api import CameraPose, MoveValue, Param, ParamKind, placed_pose, side_moves

PLACED_PARAMS = (
    Param("placed", ParamKind.BOOL, False, "Placed by hand",
          "Stand the camera where the floor plan puts it (position, height, pan, tilt, roll)"
          " instead of framing the subject."),
    Param("camera_x", ParamKind.FLOAT, 0.0, "Camera X", "Where a placed camera stands, across.",
          minimum=-10000.0, maximum=10000.0, step=0.1, unit="m"),
    Param("camera_z", ParamKind.FLOAT, -5.0, "Camera Z",
          "Where a placed camera stands, in depth.", minimum=-10000.0, maximum=10000.0,
          step=0.1, unit="m"),
    Param("camera_height", ParamKind.FLOAT, 1.6, "Camera height",
          "A placed camera's lens height above the ground.", minimum=0.0, maximum=1000.0,
          step=0.1, unit="m"),
    Param("pan", ParamKind.FLOAT, 0.0, "Pan",
          "A placed camera's heading: 0 looks along +z, positive turns right.",
          minimum=-360.0, maximum=360.0, step=5.0, unit="°"),
    Param("tilt", ParamKind.FLOAT, 0.0, "Tilt", "A placed camera's tilt, positive up.",
          minimum=-90.0, maximum=90.0, step=1.0, unit="°"),
    Param("roll", ParamKind.FLOAT, 0.0, "Roll",
          "A placed camera's roll, clockwise as the operator sees it.", minimum=-180.0,
          maximum=180.0, step=1.0, unit="°"),
)


def start_pose(params: dict[str, Any]) -> CameraPose | None:
    """The placed camera's pose, or ``None`` for a framed camera."""
    return placed_pose(params) if params.get("placed") else None


def base_moves(params: dict[str, Any]) -> tuple[MoveValue, ...]:
    """The side orbit of a framed camera (a placed camera stands where it is put)."""
    return () if params.get("placed") else side_moves(params["side"])
