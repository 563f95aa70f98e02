"""A screenplay as Previz reads it: scenes of action, dialogue and notes, with source lines."""

from __future__ import annotations

from dataclasses import dataclass, field


class ScriptError(ValueError):
    """A script that cannot be read: ``line`` names where (0: the whole file)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Element:
    """One paragraph of a scene in script order.

    ``kind`` is ``action``, ``dialogue`` or ``note``; a dialogue line has the character's
    name (its cue without extensions), its parenthetical, and ``dual`` when it is spoken at
    once with the line before it (dual dialogue).
    """

    kind: str
    text: str
    line: int
    character: str = ""
    parenthetical: str = ""
    dual: bool = False


@dataclass(frozen=True)
class Heading:
    """A scene heading split into its parts: ``INT``/``EXT``/``I/E`` (or empty when the
    heading was forced), the place, and the time of day as written."""

    text: str
    setting: str
    place: str
    time: str


@dataclass
class ScriptScene:
    """A scene: its heading, its number (``#n#`` or its place in the script), its elements."""

    heading: Heading
    number: str
    line: int
    elements: list[Element] = field(default_factory=list)

    def speakers(self) -> list[str]:
        """The characters who speak in the scene, in the order they first speak."""
        return list(dict.fromkeys(e.character for e in self.elements if e.kind == "dialogue"))


@dataclass
class Script:
    """The whole screenplay: the title page's fields and the scenes in order."""

    title: dict[str, str]
    scenes: list[ScriptScene]

    def characters(self) -> list[str]:
        """Every speaking character once, in the order they first speak."""
        names = (name for scene in self.scenes for name in scene.speakers())
        return list(dict.fromkeys(names))
