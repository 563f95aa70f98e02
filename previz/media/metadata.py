"""Container-level metadata: ffmetadata text written for ffmpeg and read back from a file."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from previz.media.ffmpeg import run_ffmpeg

# Keys are lower-case because Matroska upper-cases tag names and MP4 keeps them as given:
# one spelling that survives both round trips.
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_SPECIAL = frozenset("\\=;#\n\r")
_HEADER = ";FFMETADATA1"

# A line ends at a newline that no backslash escapes; a key ends at the first bare '='.
_ESCAPED_LINE = re.compile(r"(?:[^\\\n]|\\.)+", re.DOTALL)
_PAIR = re.compile(r"(?P<key>(?:[^\\=]|\\.)*)=(?P<value>.*)", re.DOTALL)


def check_metadata(metadata: Mapping[str, str]) -> None:
    """Raise ValueError unless every key is lower-case `[a-z][a-z0-9_]*` and no value has NUL."""
    for key, value in metadata.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"metadata key {key!r} must match [a-z][a-z0-9_]*")
        if not isinstance(value, str):
            raise ValueError(f"metadata value for {key!r} must be str, got {type(value).__name__}")
        if "\0" in value:
            raise ValueError(f"metadata value for {key!r} contains a NUL character")


def format_ffmetadata(metadata: Mapping[str, str]) -> str:
    """Render `metadata` as an ffmetadata file, escaping what that format treats as syntax."""
    lines = [_HEADER]
    lines.extend(f"{_escape(key)}={_escape(value)}" for key, value in metadata.items())
    return "\n".join(lines) + "\n"


def read_metadata(path: str | os.PathLike[str]) -> dict[str, str]:
    """Return the global (container) metadata of a media file, keys lower-cased.

    Besides what was written, this holds what the muxer adds (e.g. `encoder`).
    """
    result = run_ffmpeg(
        ["-i", os.fspath(path), "-f", "ffmetadata", "-"], path=path, what="cannot read metadata"
    )
    return parse_ffmetadata(result.stdout.decode("utf-8", errors="replace"))


def parse_ffmetadata(text: str) -> dict[str, str]:
    """Parse the global section of ffmetadata text (stream and chapter sections are ignored)."""
    tags: dict[str, str] = {}
    for line in _ESCAPED_LINE.findall(text):
        if line.startswith("["):
            break
        pair = _PAIR.fullmatch(line)
        if pair is None or line[0] in ";#":
            continue
        tags[_unescape(pair["key"]).lower()] = _unescape(pair["value"])
    return tags


def _escape(text: str) -> str:
    return "".join(f"\\{char}" if char in _SPECIAL else char for char in text)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)
