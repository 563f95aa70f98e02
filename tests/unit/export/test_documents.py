"""Storyboard PDF, contact sheet and shot list."""

from __future__ import annotations

import csv
import dataclasses
import math
import re

import pandas
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


def test_shot_list_has_a_row_per_shot_with_the_first_ads_columns(exported):
    with open(exported.out / "harbour_shotlist.csv", encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == [
        "Scene", "Shot", "Description", "INT/EXT", "DAY/NIGHT", "Location", "Cast", "Size",
        "Angle", "Movement", "Lens", "Camera height", "Distance", "Equipment", "Frame rate",
        "Duration", "Notes"]
    # The still, the test source and the second uses of Fog and Deck are not set-ups.
    assert [(row["Scene"], row["Shot"]) for row in rows] == [
        ("020", "0010"), ("020", "0020"), ("020", "0030")]
    fog, deck, lamp = rows
    assert fog["Description"] == "Fog: A tug noses through the fog toward the quay."
    assert (fog["INT/EXT"], fog["DAY/NIGHT"], fog["Location"]) == ("EXT", "NIGHT", "HARBOUR")
    assert (fog["Size"], fog["Lens"], fog["Movement"], fog["Equipment"]) == (
        "WS", "24 mm", "dolly in 1 m", "dolly")
    assert (lamp["Movement"], lamp["Equipment"]) == ("pan right 20°, then tilt up 5°", "sticks")
    # A wide at eye level (DESIGN §6): 5 m of frame with the feet on the lower third puts
    # the level camera at the frame's middle, 5/6 m above the ground.
    assert float(fog["Camera height"].removesuffix(" m")) == pytest.approx(5.0 / 6, abs=0.01)
    assert float(fog["Distance"].removesuffix(" m")) > 1
    assert (deck["Frame rate"], deck["Duration"], deck["Cast"]) == ("16 fps", "1.00 s", "Actor")
    assert fog["Notes"] == "Fog so thick the quay lamps only glow.\nFoghorn on the cut."


def test_shot_numbers_stay_text_in_a_spreadsheet(exported):
    # dtype=object keeps each cell's own type: a number cell would come back as 20.
    # (pandas' default inference turns any numeric-looking text into a number, even from a
    # text cell, so a reader that wants slates as text asks for the cells' types.)
    sheet = pandas.read_excel(exported.out / "harbour_shotlist.xlsx", dtype=object)
    assert list(sheet["Scene"]) == ["020", "020", "020"]
    assert list(sheet["Shot"]) == ["0010", "0020", "0030"]


def test_shot_list_pdf_page_has_the_columns_and_embedded_fonts(exported):
    reader = PdfReader(exported.out / "harbour_shotlist.pdf")
    text = reader.pages[0].extract_text()
    for word in ("INT/EXT", "Equipment", "HARBOUR", "0030", "dolly in 1 m"):
        assert word in text, word
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # landscape
