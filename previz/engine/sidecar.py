"""A store entry's ``Clip.1`` sidecar and the check that its frames are what it says.

The sidecar records the frames file's SHA-256 and byte size beside the clip's rate, size and
frame count, all taken from what was written (never from what a node claimed). An entry whose
frames are missing, short, damaged or of another size is not an entry: the store treats it as
absent, and the take renders again.

An entry whose clip has a ``head`` (an Extend) holds only its own frames; its sidecar, a
``Clip.2`` (a ``Clip.1`` and its head), names the stored clip its first frames come from, and
that claim is sealed with the rest. A reader that knows only ``Clip.1`` refuses it rather than
play a clip short of its first frames.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from previz.core.spec import parse_fraction
from previz.core.values import Clip, ClipHead
from previz.media import MediaError, open_reader

SIDECAR = "clip.json"
FRAMES = "frames.mkv"
_CHUNK = 1 << 20
_HEX = frozenset("0123456789abcdef")
_SCHEMAS = ("Clip.1", "Clip.2")


class StoreError(Exception):
    """A store entry that cannot be written or read, naming the key and the file."""


@dataclass(frozen=True)
class FramesSeal:
    """What the frames file of an entry must be: its byte size and SHA-256."""

    size: int
    sha256: str


def seal_of(path: Path) -> FramesSeal:
    """The seal of a frames file as it is on disk now."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FramesSeal(size, digest.hexdigest())


def check_seal(key: str, folder: Path, seal: FramesSeal) -> None:
    """Raise ``StoreError`` unless the frames file in ``folder`` matches ``seal``."""
    path = folder / FRAMES
    try:
        size = path.stat().st_size
    except OSError as error:
        raise StoreError(f"clip {key[:12]}: frames missing: {error}") from error
    if size != seal.size:
        raise StoreError(f"clip {key[:12]}: frames are {size} bytes, the sidecar says"
                         f" {seal.size} (a short or half-written entry)")
    try:
        actual = seal_of(path)
    except OSError as error:
        raise StoreError(f"clip {key[:12]}: cannot read its frames: {error}") from error
    if actual.sha256 != seal.sha256:
        raise StoreError(f"clip {key[:12]}: frames do not match their digest (damaged)")


def check_media(key: str, folder: Path, clip: Clip) -> None:
    """Raise ``StoreError`` unless the frames in ``folder`` read back at the size, frame count
    and rate ``clip`` claims (for entries from elsewhere, whose sidecar may lie)."""
    try:
        with open_reader(folder / FRAMES) as reader:
            info = reader.info
    except MediaError as error:
        raise StoreError(f"clip {key[:12]} is not a readable video: {error}") from None
    found = (info.width, info.height, info.frame_count, info.fps)
    claimed = (clip.width, clip.height, own_frame_count(clip), clip.fps)
    if found != claimed:
        raise StoreError(f"clip {key[:12]} is {_describe(*found)}, its sidecar says"
                         f" {_describe(*claimed)}")


def own_frame_count(clip: Clip) -> int:
    """How many frames the clip's own frames file holds (all but its head's)."""
    return clip.frame_count - (clip.head.frames if clip.head else 0)


def _describe(width: int, height: int, count: int, fps: Fraction) -> str:
    return f"{width}x{height}, {count} frames at {fps} fps"


def clip_to_sidecar(clip: Clip, seal: FramesSeal) -> dict[str, Any]:
    """The ``Clip.1`` sidecar of a stored clip whose frames file has ``seal``."""
    data = {"schema": "Clip.1", "fps": str(clip.fps), "width": clip.width,
            "height": clip.height, "frame_count": clip.frame_count, "prompt": clip.prompt,
            "camera": clip.camera, "provenance": clip.provenance, "frames": FRAMES,
            "frames_bytes": seal.size, "frames_sha256": seal.sha256}
    if clip.head is not None:
        data["schema"] = "Clip.2"
        data["head"] = {"key": clip.head.key, "frames": clip.head.frames}
    data["check"] = _claims_digest(data)
    return data


def _claims_digest(data: Any) -> str:
    """A digest of what a sidecar says about its frames (rate, size, count, seal), so a
    sidecar edited or damaged after writing is caught like damaged frames."""
    claims = {name: data.get(name) for name in
              ("fps", "width", "height", "frame_count", "frames_bytes", "frames_sha256")}
    if "head" in data:  # absent from entries without one, whose check stays as it was
        claims["head"] = data["head"]
    text = json.dumps(claims, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clip_from_sidecar(key: str, data: Any) -> Clip:
    """A clip from its sidecar; ``StoreError`` if the sidecar is not one."""
    try:
        if data["schema"] not in _SCHEMAS:
            raise StoreError(f"clip {key[:12]}: unknown sidecar schema {data['schema']!r}")
        if (data["schema"] == "Clip.2") != ("head" in data):
            raise StoreError(f"clip {key[:12]}: malformed sidecar: a Clip.2 and only a Clip.2"
                             " names a head")
        clip = Clip(key, parse_fraction(data["fps"]), int(data["width"]), int(data["height"]),
                    int(data["frame_count"]), str(data.get("prompt", "")), data.get("camera"),
                    dict(data.get("provenance") or {}), _head_from(key, data.get("head")))
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        raise StoreError(f"clip {key[:12]}: malformed sidecar: {error}") from error
    if min(clip.fps, clip.width, clip.height, own_frame_count(clip)) <= 0:
        raise StoreError(f"clip {key[:12]}: malformed sidecar: rate, size and frame count must"
                         " be above zero")
    return clip


def _head_from(key: str, data: Any) -> ClipHead | None:
    """The head a sidecar names: another take's key (64 hex digits) and a frame count."""
    if data is None:
        return None
    head = ClipHead(data["key"], data["frames"])
    if (not isinstance(head.key, str) or len(head.key) != 64 or not set(head.key) <= _HEX
            or head.key == key):
        raise StoreError(f"clip {key[:12]}: malformed sidecar: its head is not another take")
    if not isinstance(head.frames, int) or isinstance(head.frames, bool) or head.frames <= 0:
        raise StoreError(f"clip {key[:12]}: malformed sidecar: its head's frame count")
    return head


def seal_from_sidecar(key: str, data: Any) -> FramesSeal:
    """The seal a sidecar records; ``StoreError`` if it records none (an entry from before
    seals, or one that lies: either way it renders again)."""
    try:
        size, digest = data["frames_bytes"], data["frames_sha256"]
    except (KeyError, TypeError) as error:
        raise StoreError(f"clip {key[:12]}: the sidecar records no digest of its frames") \
            from error
    if (not isinstance(size, int) or isinstance(size, bool) or size <= 0
            or not isinstance(digest, str) or len(digest) != 64
            or not set(digest) <= _HEX):
        raise StoreError(f"clip {key[:12]}: the sidecar's frames digest is malformed")
    if data.get("check") != _claims_digest(data):
        raise StoreError(f"clip {key[:12]}: the sidecar's rate, size or frame count is not"
                         " what was written")
    return FramesSeal(size, digest)


def write_sidecar(folder: Path, clip: Clip, seal: FramesSeal) -> None:
    """Write the sidecar of ``clip`` into ``folder``."""
    (folder / SIDECAR).write_text(json.dumps(clip_to_sidecar(clip, seal), sort_keys=True,
                                             indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> Any:
    """The JSON in ``path``; ``StoreError`` if it cannot be read or parsed."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(f"{path}: cannot read: {error}") from error
