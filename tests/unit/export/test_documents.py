"""Storyboard PDF, contact sheet and shot list."""

from __future__ import annotations

import csv
import dataclasses
import math
import re

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, LETTER

from previz.export import build_cut, read_recipe
from previz.export.pictures import KeyFrames
from previz.export.storyboard import PANELS_PER_PAGE, write_storyboard


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("letter", LETTER)])
@pytest.mark.parametrize("count", [1, 6, 7, 13])
def test_storyboard_has_six_panels_a_page_with_every_name_and_prompt(exported, tmp_path,
                                                                    paper, size, count):
    scene = exported.scene
    cut = build_cut(scene.project, scene.plan, scene.store, title="harbour")
    entries = (cut.entries * 2)[:count]
    cut = dataclasses.replace(cut, entries=entries)
    path = tmp_path / f"{paper}.pdf"
    write_storyboard(cut, KeyFrames(scene.store), path, paper)
    reader = PdfReader(path)
    assert len(reader.pages) == math.ceil(count / PANELS_PER_PAGE)
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == tuple(map(round, size))
    text = words(" ".join(page.extract_text() for page in reader.pages))
    for entry in entries:
        assert entry.name in text
        assert words(entry.info.prompt) in text
        if entry.info.dialogue:
            assert words(entry.info.dialogue) in text
    if count >= 3:
        assert "pan right 20°, then tilt up 5°" in text
    assert not list(tmp_path.glob(".*partial*"))


def test_the_exported_storyboard_is_a4(exported):
    reader = PdfReader(exported.out / "harbour_storyboard.pdf")
    assert len(reader.pages) == 2
    assert round(float(reader.pages[0].mediabox.width)) == round(A4[0])
    assert "harbour" in reader.metadata.title


def test_contact_sheet_shows_every_entry_and_carries_the_cut_recipe(exported):
    path = exported.out / "harbour_contact.png"
    with Image.open(path) as sheet:
        assert sheet.size == (16 + 4 * (320 + 16), 48 + 2 * (180 + 40) + 16)
    recipe = read_recipe(path)
    assert recipe is not None
    timeline_nodes = list(dict.fromkeys(entry.node for entry in exported.scene.project.timeline))
    assert list(recipe.roots) == timeline_nodes


def test_shot_list_has_a_row_per_entry(exported):
    with open(exported.out / "harbour_shotlist.csv", encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["scene", "shot", "name", "size", "angle", "lens", "move",
                             "duration", "frames", "subjects", "notes", "dialogue"]
    assert [row["name"] for row in rows] == ["Fog", "Deck", "Lamp", "STILL_04", "SOURCE_05",
                                             "Fog", "Deck"]
    fog, deck, lamp = rows[:3]
    assert (fog["scene"], fog["shot"], fog["size"], fog["lens"], fog["move"]) == (
        "020", "0010", "WS", "24 mm", "dolly in 1 m")
    assert fog["duration"] == f"{24 * 1001 / 24000:.2f}"
    assert fog["notes"] == "Fog so thick the quay lamps only glow.\nFoghorn on the cut."
    assert (deck["angle"], deck["frames"], deck["subjects"]) == ("eye level", "24", "Actor")
    assert lamp["dialogue"] == "MATE: There! The light!"
    assert lamp["move"] == "pan right 20°, then tilt up 5°"
