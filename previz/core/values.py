"""What flows along links at run time: prompts, camera moves, conditioning images and clips."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class PromptValue:
    """The words a shot is rendered from."""

    text: str
    negative: str = ""
    style: str = "none"


@dataclass(frozen=True)
class MoveValue:
    """One camera move relative to the shot's base framing (DESIGN §6).

    ``amount`` is in the move's natural unit (degrees, metres or millimetres); ``start`` and
    ``end`` are fractions of the shot.
    """

    move: str
    amount: float
    start: float = 0.0
    end: float = 1.0
    easing: str = "ease-in-out"


@dataclass(frozen=True)
class ConditioningImage:
    """An image asset with its role: first_frame, last_frame, keyframe or reference."""

    asset: str
    role: str
    time: float = 0.0
    strength: float = 1.0
    subject: str = ""


@dataclass(frozen=True)
class ClipHead:
    """The first ``frames`` frames of a clip are those of the stored clip ``key`` (an Extend's
    source): the store keeps them once, in the source's entry, instead of copying them."""

    key: str
    frames: int


@dataclass(frozen=True)
class Clip:
    """A rendered take in the clip store: its frames stay on disk, named by ``key``.

    ``camera`` is the camera path the frames were drawn with, in its JSON form, when there is
    one; ``provenance`` says how the clip was made (node type, backend, model, seed, …);
    ``head``, when set, says that its first frames are another stored clip's.
    """

    key: str
    fps: Fraction
    width: int
    height: int
    frame_count: int
    prompt: str = ""
    camera: Any = None
    provenance: dict[str, Any] = field(default_factory=dict)
    head: ClipHead | None = None

    @property
    def duration(self) -> Fraction:
        """Length in seconds, exactly."""
        return self.frame_count / self.fps
