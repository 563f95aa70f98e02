"""Final Draft (``.fdx``) screenplays: XML paragraphs by type, read with the standard library.

``<Paragraph Type="Scene Heading" Number="12">``, ``Action``, ``Character``, ``Parenthetical``,
``Dialogue`` (and ``Transition``, ``Shot``, ``General``); ``<DualDialogue>`` wraps two speeches;
``<ScriptNote>`` holds a note; the ``<TitlePage>`` is read for its text. Every error names the
line of the XML it is about.
"""

from __future__ import annotations

from xml.etree import ElementTree
from xml.parsers import expat

from previz.io.screenplay.fountain import speech
from previz.io.screenplay.heading import character_name, split_heading
from previz.io.screenplay.model import Element, Script, ScriptError, ScriptScene


class _Tree:
    """The document as ``ElementTree`` elements, built through expat so that each element
    remembers the line it starts on."""

    def __init__(self) -> None:
        self.lines: dict[ElementTree.Element, int] = {}
        self.stack: list[ElementTree.Element] = []
        self.root: ElementTree.Element | None = None
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = lambda tag: self.stack.pop()
        self.parser.CharacterDataHandler = self._text

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        element = ElementTree.Element(tag, attrs)
        self.lines[element] = self.parser.CurrentLineNumber
        if self.stack:
            self.stack[-1].append(element)
        else:
            self.root = element
        self.stack.append(element)

    def _text(self, data: str) -> None:
        element = self.stack[-1]
        if len(element):
            element[-1].tail = (element[-1].tail or "") + data
        else:
            element.text = (element.text or "") + data


def read_fdx(data: bytes, path: str) -> Script:
    """The script in FDX ``data``; ``ScriptError`` naming the line of what is wrong."""
    tree = _Tree()
    try:
        tree.parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ScriptError(path, error.lineno, "not well-formed XML:"
                                              f" {expat.ErrorString(error.code)}") from None
    root = tree.root
    assert root is not None
    if root.tag != "FinalDraft":
        raise ScriptError(path, tree.lines[root],
                          f"not a Final Draft file: its root is <{root.tag}>")
    content = root.find("Content")
    if content is None:
        raise ScriptError(path, tree.lines[root], "the file has no <Content>")
    return Script(_title(root), _Reader(tree.lines, path).scenes(content))


def _title(root: ElementTree.Element) -> dict[str, str]:
    page = root.find("TitlePage/Content")
    texts = [_text(p) for p in page.iter("Paragraph")] if page is not None else []
    texts = [text for text in texts if text]
    return {"Title": texts[0]} if texts else {}


def _text(paragraph: ElementTree.Element) -> str:
    """A paragraph's words: its ``<Text>`` runs joined, spacing made single."""
    return " ".join("".join(text.text or "" for text in paragraph.findall("Text")).split())


class _Reader:
    """Walks the paragraphs, keeping the scene and the cue being spoken."""

    def __init__(self, lines: dict[ElementTree.Element, int], path: str) -> None:
        self.lines, self.path = lines, path
        self.found: list[ScriptScene] = []
        self.cue: tuple[str, int, bool] | None = None  # name, line, spoken with the one before
        self.blocks: list[tuple[bool, str]] = []

    def scenes(self, content: ElementTree.Element) -> list[ScriptScene]:
        for paragraph in content.findall("Paragraph"):
            dual = paragraph.find("DualDialogue")
            if dual is not None:
                self._speeches(list(dual.findall("Paragraph")), dual=True)
            elif paragraph.get("Type") == "Scene Heading":
                self._heading(paragraph)
            elif paragraph.get("Type") in ("Character", "Parenthetical", "Dialogue"):
                self._speeches([paragraph])
            elif paragraph.get("Type") in ("Action", "General", "Shot"):
                self._add(Element("action", _text(paragraph), self._line(paragraph)))
            self._notes(paragraph)
        if not self.found:
            raise ScriptError(self.path, 0, "no Scene Heading paragraph in the script")
        self._flush()
        return self.found

    def _line(self, element: ElementTree.Element) -> int:
        return self.lines.get(element, 0)

    def _heading(self, paragraph: ElementTree.Element) -> None:
        self._flush()
        heading = split_heading(_text(paragraph))
        if not heading.place:
            raise ScriptError(self.path, self._line(paragraph),
                              f"the scene heading {heading.text!r} names no place")
        number = paragraph.get("Number") or str(len(self.found) + 1)
        self.found.append(ScriptScene(heading, number, self._line(paragraph)))

    def _speeches(self, paragraphs: list[ElementTree.Element], dual: bool = False) -> None:
        first = True
        for paragraph in paragraphs:
            kind = paragraph.get("Type")
            if kind == "Character":
                self._flush()
                self.cue = (character_name(_text(paragraph)), self._line(paragraph),
                            dual and not first)
                self.blocks = []
                first = False
            elif kind in ("Parenthetical", "Dialogue"):
                if self.cue is None:
                    raise ScriptError(self.path, self._line(paragraph),
                                      f"{kind.lower()} with no character cue before it")
                self.blocks.append((kind == "Parenthetical", _text(paragraph)))
        if dual:
            self._flush()

    def _flush(self) -> None:
        if self.cue is None:
            return
        name, line, dual = self.cue
        self.cue = None
        if not name:
            raise ScriptError(self.path, line, "a character cue names no one")
        self._add(speech(name, self.blocks, line, dual, self.path))

    def _add(self, element: Element) -> None:
        if element.kind == "action":
            self._flush()
            if not element.text:
                return
        if not self.found:
            what = f"{element.character}'s line" if element.kind == "dialogue" else "action"
            raise ScriptError(self.path, element.line,
                              f"{what} comes before the first scene heading")
        self.found[-1].elements.append(element)

    def _notes(self, paragraph: ElementTree.Element) -> None:
        for note in paragraph.iter("ScriptNote"):
            text = " ".join(_text(p) for p in note.iter("Paragraph")) or _text(note)
            if text and self.found:
                self.found[-1].elements.append(Element("note", text, self._line(note)))
