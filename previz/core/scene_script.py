"""A scene's script in scene time: its action, dialogue and notes, one timed line each.

Kept on the Scene node as text a screenwriter reads (``[5.7-8.1] TOM (quietly): Hello.``,
``[0.0-5.3] Action: Rain.``, ``[5.3] Note: …``, a ``^`` after a name for dual dialogue), and
read back by the coverage proposal to know who speaks when.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_TIMED = re.compile(r"^\[(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?\]\s+(.*)$")
_CUE = re.compile(r"^([^a-z:()]+?)(?:\s+(\([^)]*\)))?(\s+\^)?:\s+(.*)$")


@dataclass(frozen=True)
class ScriptLine:
    """One element of a scene from ``start`` to ``end`` seconds of scene time.

    ``kind`` is ``action``, ``dialogue`` or ``note``; dialogue names its ``character`` as the
    cue does (upper case), with its parenthetical and whether it is dual dialogue.
    """

    kind: str
    text: str
    start: float
    end: float
    character: str = ""
    parenthetical: str = ""
    dual: bool = False

    def __str__(self) -> str:
        when = f"[{self.start:.1f}]" if self.kind == "note" else (
            f"[{self.start:.1f}-{self.end:.1f}]")
        if self.kind == "dialogue":
            aside = f" {self.parenthetical}" if self.parenthetical else ""
            caret = " ^" if self.dual else ""
            return f"{when} {self.character}{aside}{caret}: {self.text}"
        return f"{when} {self.kind.capitalize()}: {self.text}"


def format_script(lines: Iterable[ScriptLine]) -> str:
    """The scene's lines as the Scene node keeps them, one a line."""
    return "\n".join(str(line) for line in lines)


def parse_script(text: str) -> list[ScriptLine]:
    """The timed lines of a Scene's ``script`` text; lines that are not timed are skipped."""
    found = []
    for raw in text.splitlines():
        match = _TIMED.match(raw.strip())
        if match:
            start = float(match.group(1))
            end = float(match.group(2)) if match.group(2) else start
            found.append(_line(match.group(3), start, max(end, start)))
    return found


def _line(body: str, start: float, end: float) -> ScriptLine:
    for kind in ("action", "note"):
        prefix = f"{kind.capitalize()}: "
        if body.startswith(prefix):
            return ScriptLine(kind, body[len(prefix):], start, end)
    cue = _CUE.match(body)
    if cue is None:
        return ScriptLine("action", body, start, end)
    name, aside, caret, words = cue.groups()
    return ScriptLine("dialogue", words, start, end, name.strip(), aside or "", bool(caret))


def dialogue(lines: Iterable[ScriptLine]) -> list[ScriptLine]:
    """The lines that are spoken."""
    return [line for line in lines if line.kind == "dialogue"]
