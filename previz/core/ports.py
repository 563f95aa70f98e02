"""Port types: what flows along a link, and which links are allowed."""

from __future__ import annotations

from enum import StrEnum


class PortType(StrEnum):
    """The data a port carries (DESIGN §4)."""

    PROMPT = "Prompt"
    CAMERA_MOVE = "CameraMove"
    CONDITIONING = "Conditioning"
    CLIP = "Clip"
    SCENE = "Scene"


PORT_COLOURS: dict[PortType, str] = {
    PortType.PROMPT: "#e0b050",
    PortType.CAMERA_MOVE: "#60b0e0",
    PortType.CONDITIONING: "#b080e0",
    PortType.CLIP: "#70c070",
    PortType.SCENE: "#e07070",
}


def can_connect(source: PortType, target: PortType) -> bool:
    """Whether an output of type ``source`` may feed an input of type ``target``."""
    return source == target
