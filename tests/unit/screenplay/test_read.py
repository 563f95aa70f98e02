"""Fountain and FDX read into scenes: headings, cues, dual dialogue, notes, boneyard, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from previz.io.screenplay import ScriptError, read_script
from previz.io.screenplay.heading import character_name, display_name, split_heading

FIXTURES = Path(__file__).parents[2] / "fixtures" / "screenplay"


def fountain(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.fountain"
    path.write_text(text, encoding="utf-8")
    return path


def test_fountain_scenes_cues_dual_dialogue_note_and_boneyard():
    script = read_script(FIXTURES / "keepers_night.fountain")
    assert script.title["Title"] == "The Keeper's Night"
    assert [scene.number for scene in script.scenes] == ["1", "2", "3"]
    assert [scene.heading.place for scene in script.scenes] == [
        "LIGHTHOUSE KITCHEN", "CLIFF PATH", "LIGHTHOUSE KITCHEN"]
    assert [scene.heading.setting for scene in script.scenes] == ["INT", "EXT", "INT"]
    assert script.characters() == ["TOM", "MARA", "ELLIS", "JUNE"]  # CONT'D and V.O. too
    first = script.scenes[0].elements
    assert [e.kind for e in first] == ["action", "note", "dialogue", "dialogue", "action",
                                       "dialogue", "dialogue"]
    assert first[1].text == "Keep the kettle lit: it is the only practical."
    assert first[2].parenthetical == "(shaking off his coat)"
    assert first[2].line == 12  # the cue's line in the file
    assert "HARBOURMASTER" not in script.characters()  # it is in the boneyard
    dual = script.scenes[1].elements[-2:]
    assert [(e.character, e.dual) for e in dual] == [("ELLIS", False), ("JUNE", True)]


def test_fdx_reads_the_same_script():
    fountain_script = read_script(FIXTURES / "keepers_night.fountain")
    fdx_script = read_script(FIXTURES / "keepers_night.fdx")
    assert fdx_script.title["Title"] == "The Keeper's Night"
    for ours, theirs in zip(fountain_script.scenes, fdx_script.scenes, strict=True):
        assert (ours.heading, ours.number) == (theirs.heading, theirs.number)
        assert [(e.kind, e.text, e.character, e.parenthetical, e.dual) for e in ours.elements] \
            == [(e.kind, e.text, e.character, e.parenthetical, e.dual) for e in theirs.elements]


@pytest.mark.parametrize(("heading", "setting", "place", "time"), [
    ("INT. LIGHTHOUSE KITCHEN - NIGHT", "INT", "LIGHTHOUSE KITCHEN", "NIGHT"),
    ("EXT. HARBOUR WALL – DUSK", "EXT", "HARBOUR WALL", "DUSK"),
    ("I/E. TOM'S CAR - MOVING - DAY", "I/E", "TOM'S CAR - MOVING", "DAY"),
    ("INT./EXT. BOAT - CONTINUOUS", "I/E", "BOAT", "CONTINUOUS"),
    ("THE SEA FLOOR", "", "THE SEA FLOOR", ""),
])
def test_headings_split_into_setting_place_and_time(heading, setting, place, time):
    parts = split_heading(heading)
    assert (parts.setting, parts.place, parts.time) == (setting, place, time)


@pytest.mark.parametrize("cue", ["MARA", "MARA (CONT'D)", "MARA (V.O.)", "MARA (O.S.) ^",
                                 "  MARA   (CONT’D)", "@Mara"])
def test_extensions_never_make_another_character(cue):
    assert character_name(cue) == "MARA"


def test_cast_names_read_as_names():
    assert display_name("DR. O'NEIL") == "Dr. O'Neil"
    assert display_name("MARA") == "Mara"


def test_forced_headings_scene_numbers_and_i_e(tmp_path):
    script = read_script(fountain(tmp_path, (
        ".UNDER THE PIER - NIGHT #4A#\n\nWater slaps the pilings.\n\n"
        "I/E. TOM'S CAR - DAY\n\nTOM\nDrive.\n")))
    assert [(s.number, s.heading.setting, s.heading.place) for s in script.scenes] == [
        ("4A", "", "UNDER THE PIER"), ("2", "I/E", "TOM'S CAR")]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("INT. HALL - DAY\n\nTOM\nHi.\n\n/* cut\n\nMARA\nBye.\n", 6, "never closed with */"),
    ("INT. HALL - DAY\n\nTOM\nHi [[ a note\n", 4, "never closed with ]]"),
    ("Title: X\n\nTOM\nWhere am I?\n\nINT. HALL - DAY\n", 3, "before the first scene heading"),
    ("INT. HALL - DAY\n\nEXT. - NIGHT\n", 3, "names no place"),
    ("INT. HALL - DAY\n\nTOM\n(quietly)\n", 3, "TOM's cue has no line to speak"),
    ("The end.\n", 1, "before the first scene heading"),
])
def test_a_bad_fountain_script_names_its_line(tmp_path, text, line, words):
    with pytest.raises(ScriptError) as caught:
        read_script(fountain(tmp_path, text))
    assert caught.value.line == line
    assert f"line {line}: " in str(caught.value) and words in str(caught.value)


def test_a_script_without_scenes_and_one_not_in_utf8(tmp_path):
    with pytest.raises(ScriptError, match="no scene heading"):
        read_script(fountain(tmp_path, "Title: Nothing yet\n"))
    path = tmp_path / "latin.fountain"
    path.write_bytes("INT. CAFÉ - DAY\n\nZOË\nBonjour.\n".encode("latin-1"))
    with pytest.raises(ScriptError, match="line 1: not UTF-8"):
        read_script(path)


def test_a_bad_fdx_names_its_line(tmp_path):
    good = (FIXTURES / "keepers_night.fdx").read_text(encoding="utf-8")
    cut_short = tmp_path / "short.fdx"
    cut_short.write_text(good[:good.index("<Paragraph Number=\"2\"")], encoding="utf-8")
    with pytest.raises(ScriptError, match=r"short\.fdx, line \d+: not well-formed XML"):
        read_script(cut_short)
    orphan = tmp_path / "orphan.fdx"
    orphan.write_text('<?xml version="1.0"?>\n<FinalDraft>\n<Content>\n'
                      '<Paragraph Type="Scene Heading"><Text>INT. HALL</Text></Paragraph>\n'
                      '<Paragraph Type="Dialogue"><Text>Hi.</Text></Paragraph>\n'
                      '</Content>\n</FinalDraft>\n', encoding="utf-8")
    with pytest.raises(ScriptError, match="line 5: dialogue with no character cue"):
        read_script(orphan)
    with pytest.raises(ScriptError, match="not a screenplay"):
        read_script(tmp_path / "script.docx")
