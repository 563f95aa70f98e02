"""The contact sheet: every entry's key frame in a grid, named and timed, as one PNG."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

from previz.export.cut import Cut
from previz.export.pictures import KeyFrames, entry_pictures, letterboxed
from previz.export.png import save_png
from previz.export.provenance import Recipe, png_info
from previz.export.timecode import rate_label
from previz.media.text import TextPainter

COLUMNS = 4
THUMB_WIDTH = 320
PAD = 16
LABEL = 40
TITLE = 48
_PAPER, _INK, _GREY = (245, 245, 242), (20, 20, 20), (100, 100, 100)


def write_contact_sheet(cut: Cut, frames: KeyFrames, path: Path, recipe: Recipe) -> None:
    """Write the contact sheet of ``cut`` to ``path``, carrying the cut's ``recipe``; its
    pictures are read through ``frames``."""
    columns = max(min(COLUMNS, len(cut.entries)), 1)
    rows = max(math.ceil(len(cut.entries) / columns), 1)
    thumb_height = round(THUMB_WIDTH * cut.height / cut.width)
    cell = (THUMB_WIDTH + PAD, thumb_height + LABEL)
    sheet = Image.new("RGB", (PAD + columns * cell[0], TITLE + rows * cell[1] + PAD), _PAPER)
    draw = ImageDraw.Draw(sheet)
    seconds = float(cut.frame_count / cut.rate)
    TextPainter(20).draw(draw, (PAD, PAD), f"{cut.heading}   {len(cut.entries)} shots"
                         f"   {seconds:.1f} s at {rate_label(cut.rate)}", _INK)
    for slot, entry in enumerate(cut.entries):
        row, column = divmod(slot, columns)
        x, y = PAD + column * cell[0], TITLE + row * cell[1]
        key = entry_pictures(entry, frames, THUMB_WIDTH).key
        sheet.paste(letterboxed(key, THUMB_WIDTH, thumb_height), (x, y))
        name = f"{entry.name}  {entry.info.name}" if entry.info.name else entry.name
        label = TextPainter(15)
        label.draw(draw, (x, y + thumb_height + 2), label.fit(name, THUMB_WIDTH), _INK)
        details = f"{float(entry.duration):.2f} s   {entry.info.move_label}"
        TextPainter(12).draw(draw, (x, y + thumb_height + 22), details, _GREY)
    save_png(sheet, path, png_info(recipe))


