"""The contact sheet: every entry's key frame in a grid, named and timed, as one PNG."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from previz.export.cut import Cut
from previz.export.pictures import KeyFrames, entry_pictures, letterboxed
from previz.export.png import save_png
from previz.export.provenance import Recipe, png_info
from previz.export.timecode import rate_label

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
    draw.text((PAD, PAD), f"{cut.title}   {len(cut.entries)} shots   {seconds:.1f} s at"
                          f" {rate_label(cut.rate)}", font=_font(20), fill=_INK)
    for slot, entry in enumerate(cut.entries):
        row, column = divmod(slot, columns)
        x, y = PAD + column * cell[0], TITLE + row * cell[1]
        key = entry_pictures(entry, frames, THUMB_WIDTH).key
        sheet.paste(letterboxed(key, THUMB_WIDTH, thumb_height), (x, y))
        name = f"{entry.name}  {entry.info.name}" if entry.info.name else entry.name
        draw.text((x, y + thumb_height + 4), name, font=_font(15), fill=_INK)
        details = f"{float(entry.duration):.2f} s   {entry.info.move_label}"
        draw.text((x, y + thumb_height + 22), details, font=_font(12), fill=_GREY)
    save_png(sheet, path, png_info(recipe))


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)

