"""Fountain screenplays through screenplain's parser, with the source line of every paragraph.

screenplain (maintained, MIT) decides what each paragraph is, as the Fountain syntax says:
title page, scene headings (``INT.``/``EXT.``/``I/E``, forced with a leading ``.``, ``#n#``
scene numbers), character cues with extensions, parentheticals, dual dialogue (``^``),
transitions, sections and synopses. Boneyard (``/* */``) and notes (``[[ ]]``) are taken out
here first, keeping the line count, so that every paragraph and every error names its line;
notes are kept on their scene.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from screenplain.parsers.fountain import InputParagraph, parse_title_page
from screenplain.types import Action, Dialog, DualDialog, Slug

from previz.io.screenplay.heading import character_name, split_heading
from previz.io.screenplay.model import Element, Script, ScriptError, ScriptScene

_BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)
_NOTE = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)


@dataclass(frozen=True)
class _Note:
    line: int
    text: str


def read_fountain(text: str, path: str) -> Script:
    """The script in Fountain ``text``; ``ScriptError`` naming the line of what is wrong."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _cut(text, _BONEYARD, path, marks=("/*", "*/"), what="a boneyard")
    notes: list[_Note] = []
    text = _cut(text, _NOTE, path, marks=("[[", "]]"), what="a note", kept=notes)
    lines = [line.expandtabs(4) for line in text.split("\n")]
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    block = list(itertools.takewhile(lambda line: line != "", lines[first:]))
    title = parse_title_page(block) if block else None
    start = first + len(block) if title else 0
    paragraphs, where = _paragraphs(lines, start)
    scenes = _scenes(paragraphs, where, notes, path)
    return Script({key: " ".join(value) for key, value in (title or {}).items()}, scenes)


def _cut(text: str, pattern: re.Pattern[str], path: str, *, marks: tuple[str, str],
         what: str, kept: list[_Note] | None = None) -> str:
    """``text`` without ``pattern``'s spans, each left as its line breaks so that every line
    keeps its number; ``kept`` gets each span's text and line. An opener never closed is an
    error at its line."""
    def blank(match: re.Match[str]) -> str:
        if kept is not None:
            line = text.count("\n", 0, match.start()) + 1
            kept.append(_Note(line, " ".join(match.group(1).split())))
        return "\n" * match.group(0).count("\n")

    opener, closer = marks
    cleaned = pattern.sub(blank, text)
    if opener in cleaned:
        line = cleaned.count("\n", 0, cleaned.index(opener)) + 1
        raise ScriptError(path, line, f"{what} opened with {opener} is never closed with"
                                      f" {closer}")
    return cleaned


def _paragraphs(lines: list[str], start: int) -> tuple[list[object], dict[int, int]]:
    """screenplain's paragraphs of ``lines[start:]`` and the line each began on (by id)."""
    paragraphs: list[object] = []
    where: dict[int, int] = {}
    numbered = list(enumerate(lines, start=1))[start:]
    for blank, grouped in itertools.groupby(numbered, lambda item: item[1].strip() == ""):
        if blank:
            continue
        group = list(grouped)
        InputParagraph([line.rstrip() for _, line in group]).update_list(paragraphs)
        if paragraphs and isinstance(paragraphs[-1], DualDialog):
            where.setdefault(id(paragraphs[-1].right), group[0][0])
        for paragraph in paragraphs[-2:]:
            where.setdefault(id(paragraph), group[0][0])
    return paragraphs, where


def _scenes(paragraphs: list[object], where: dict[int, int], notes: list[_Note],
            path: str) -> list[ScriptScene]:
    scenes: list[ScriptScene] = []
    for paragraph in paragraphs:
        line = where[id(paragraph)]
        if isinstance(paragraph, Slug):
            scenes.append(_scene(paragraph, line, len(scenes) + 1, path))
            continue
        elements = _elements(paragraph, where, path)
        if not elements:
            continue
        if not scenes:
            raise ScriptError(path, line, f"{_what(elements[0])} comes before the first scene"
                                          " heading (INT., EXT., I/E or a forced .HEADING)")
        scenes[-1].elements.extend(elements)
    if not scenes:
        raise ScriptError(path, 0, "no scene heading in the script (INT., EXT., I/E or a"
                                   " forced .HEADING)")
    _place_notes(scenes, notes)
    return scenes


def _scene(slug: Slug, line: int, index: int, path: str) -> ScriptScene:
    heading = split_heading(str(slug.line))
    if not heading.place:
        raise ScriptError(path, line, f"the scene heading {heading.text!r} names no place")
    number = str(slug.scene_number) if slug.scene_number else str(index)
    return ScriptScene(heading, number, line)


def _elements(paragraph: object, where: dict[int, int], path: str) -> list[Element]:
    line = where.get(id(paragraph), 0)
    if isinstance(paragraph, Action):
        text = " ".join(" ".join(str(part).split()) for part in paragraph.lines).strip()
        return [Element("action", text, line)] if text else []
    if isinstance(paragraph, DualDialog):
        return [*_dialogue(paragraph.left, where, path),
                *_dialogue(paragraph.right, where, path, dual=True)]
    if isinstance(paragraph, Dialog):
        return _dialogue(paragraph, where, path)
    return []  # transitions, sections, synopses and page breaks are not played


def _dialogue(dialog: Dialog, where: dict[int, int], path: str,
              dual: bool = False) -> list[Element]:
    line = where.get(id(dialog), 0)
    name = character_name(str(dialog.character))
    if not name:
        raise ScriptError(path, line, "a character cue names no one")
    blocks = [(bool(paren), " ".join(str(text).split())) for paren, text in dialog.blocks]
    return [speech(name, blocks, line, dual, path)]


def speech(name: str, blocks: list[tuple[bool, str]], line: int, dual: bool,
           path: str) -> Element:
    """A cue's speech as one line of dialogue: a parenthetical before the first words is its
    parenthetical, later ones stay in the words where they are (``(beat)``)."""
    words = [text for _, text in itertools.dropwhile(lambda block: block[0], blocks) if text]
    if not any(text for paren, text in blocks if not paren):
        raise ScriptError(path, line, f"{name}'s cue has no line to speak")
    lead = " ".join(text for _, text in itertools.takewhile(lambda block: block[0], blocks))
    return Element("dialogue", " ".join(words), line, name, lead, dual)


def _what(element: Element) -> str:
    return f"{element.character}'s line" if element.kind == "dialogue" else "action"


def _place_notes(scenes: list[ScriptScene], notes: list[_Note]) -> None:
    """Each note joins the scene it is written in, in line order among its elements."""
    for note in notes:
        scene = next((s for s in reversed(scenes) if s.line <= note.line), scenes[0])
        scene.elements.append(Element("note", note.text, note.line))
        scene.elements.sort(key=lambda element: element.line)
