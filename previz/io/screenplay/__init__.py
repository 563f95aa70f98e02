"""Screenplays in: Fountain and Final Draft read into scenes, then built into a project."""

from __future__ import annotations

from pathlib import Path

from previz.io.screenplay.fdx import read_fdx
from previz.io.screenplay.fountain import read_fountain
from previz.io.screenplay.model import Element, Heading, Script, ScriptError, ScriptScene

__all__ = ["Element", "Heading", "Script", "ScriptError", "ScriptScene", "read_script"]
SUFFIXES = (".fountain", ".spmd", ".txt", ".fdx")


def read_script(path: str | Path) -> Script:
    """The screenplay at ``path``, Fountain or FDX by its suffix; ``ScriptError`` (naming the
    line) when it cannot be read as one."""
    path = Path(path)
    name = str(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ScriptError(name, 0, "not a screenplay: Previz reads .fountain and .fdx")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScriptError(name, 0, f"cannot be read: {error.strerror or error}") from None
    if path.suffix.lower() == ".fdx":
        return read_fdx(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ScriptError(name, line, "not UTF-8 text (save the script as UTF-8)") from None
    return read_fountain(text, name)
