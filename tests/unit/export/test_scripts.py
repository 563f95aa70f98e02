"""Text in any script: the storyboard PDF, contact sheet, burn-ins and EDL, read back by
poppler, pixels and OpenTimelineIO."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import unicodedata

import numpy as np
import pytest
from PIL import Image, ImageDraw, features

from previz.export import build_cut
from previz.export.burnin import BurnIn, burn_in
from previz.export.contact import write_contact_sheet
from previz.export.edl import ascii_line, edl_text
from previz.export.pictures import KeyFrames
from previz.export.provenance import recipe_for
from previz.export.storyboard import write_storyboard
from previz.media.text import TextPainter, display_text, missing_characters

WORDS = ["Łódź", "Ελλάδα", "Москва", "東京", "القاهرة", "ירושלים", "café", "서울"]
# Scripts in common use beyond those: each must draw without a missing-glyph box.
MORE_WORDS = ["부산 해운대", "दिल्ली", "ঢাকা", "ਅੰਮ੍ਰਿਤਸਰ", "અમદાવાદ", "சென்னை", "హైదరాబాద్",
              "ಬೆಂಗಳೂರು", "കൊച്ചി", "කොළඹ", "กรุงเทพฯ", "ວຽງຈັນ", "ភ្នំពេញ", "ရန်ကုန်", "Երևան",
              "თბილისი", "አዲስ አበባ"]
POPPLER = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def world_cut(scene):
    """The harbour cut with its shots renamed and annotated in seven scripts."""
    cut = build_cut(scene.project, scene.plan, scene.store)
    entries = []
    for index, entry in enumerate(cut.entries):
        word = WORDS[index % len(WORDS)]
        info = dataclasses.replace(entry.info, name=word, notes=f"{word} at dawn",
                                   prompt=f"{WORDS[(index + 1) % len(WORDS)]} harbour")
        entries.append(dataclasses.replace(entry, info=info))
    return dataclasses.replace(cut, entries=tuple(entries))


def ink(text: str, size: int = 24) -> np.ndarray:
    image = Image.new("L", (size * (len(text) + 2), size * 2), 0)
    TextPainter(size).draw(ImageDraw.Draw(image), (size // 2, size // 2), text, 255)
    return np.asarray(image)


@POPPLER
def test_the_storyboard_prints_every_script_with_embedded_fonts(scene, tmp_path):
    path = tmp_path / "board.pdf"
    write_storyboard(world_cut(scene), KeyFrames(scene.store), path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    # Arabic comes out in its joined presentation forms, in the order typed: NFKC gives back
    # the letters.
    letters = unicodedata.normalize("NFKC", text)
    for word in WORDS:
        assert word in letters, word
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert not any("Helvetica" in line for line in fonts)


def test_no_character_is_the_missing_glyph_box():
    box = ink("\ue000")  # a private-use character: no font has it, so it draws the box
    for word in WORDS:
        assert missing_characters(word) == ""
        for char in display_text(word):
            assert not np.array_equal(ink(char), box), (word, char)


def test_every_script_in_common_use_has_a_glyph():
    box = ink("\ue000")
    for word in MORE_WORDS:
        assert missing_characters(word) == "", word
        for char in word:
            if not unicodedata.category(char).startswith("M") and not char.isspace():
                assert not np.array_equal(ink(char), box), (word, char)


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow without libraqm")
def test_indic_letters_combine_as_written():
    # Hindi "ki": the vowel sign i is typed after ka but drawn before it, to its left.
    ki, ka, sign = ink("कि"), ink("क"), ink("ि")
    assert not np.array_equal(ki, np.maximum(ka, np.roll(sign, ka.shape[1] // 4, axis=1)))
    inked = np.flatnonzero(ki.max(axis=0) > 128)
    ka_inked = np.flatnonzero(ka.max(axis=0) > 128)
    assert inked[0] <= ka_inked[0] - 2 or inked[-1] > ka_inked[-1]  # the sign's stem beside ka
    # A conjunct: k + virama + ssa is one glyph, narrower than the letters drawn apart.
    painter = TextPainter(24)
    assert painter.width("क्ष") < painter.width("क") + painter.width("्") + painter.width("ष")


def test_arabic_is_joined_and_right_to_left():
    shown = display_text("القاهرة")
    # Joined presentation forms (initial lam, medial qaf, final alef …), in display order.
    assert all(0xFE70 <= ord(char) <= 0xFEFF for char in shown)
    assert shown[-1] == "\ufe8d"  # the first letter, alef, isolated, drawn rightmost
    assert not np.array_equal(ink("القاهرة"), ink("ا ل ق ا ه ر ة".replace(" ", "\u200c")))


def test_contact_sheet_and_burn_ins_draw_every_script(scene, tmp_path):
    cut = world_cut(scene)
    path = tmp_path / "contact.png"
    write_contact_sheet(cut, KeyFrames(scene.store), path, recipe_for(scene.project, {}))
    sheet = np.asarray(Image.open(path).convert("L"))
    assert (sheet < 60).sum() > 2000  # the labels are inked
    frame = np.full((72, 128, 3), 90, np.uint8)
    for word in WORDS:
        burnt = burn_in(frame, BurnIn(word, "01:00:00:00", 1))
        assert np.array_equal(burnt[:72], frame)
        name_part = burnt[72:, :40]
        assert (name_part > 128).any(), word


def test_edl_comments_are_ascii_while_the_names_keep_their_script(scene):
    cut = world_cut(scene)
    text = edl_text(cut, {})
    text.encode("ascii")
    assert ascii_line("Łódź at dawn") == "Lodz at dawn"
    assert "* LOC: 01:00:00:00 YELLOW  NOTES: LODZ AT DAWN" in text
    assert "MOSKVA AT DAWN" in text


def test_draft_captions_and_labels_draw_every_script():
    from previz.backends.draft.text import caption_sprite, label_sprite

    box = caption_sprite(("\ue000",), 200, 20).rgb
    for word in WORDS:
        for char in display_text(word):
            assert not np.array_equal(caption_sprite((char,), 200, 20).rgb, box), (word, char)
    assert label_sprite("東京", 16).width > label_sprite("東", 16).width
