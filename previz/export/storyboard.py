"""The storyboard PDF: six panels a page, one per entry of the cut, A4 or Letter.

A panel shows the entry's key frame, or for a shot whose camera moves its first, middle and
last frames as a strip with an arrow and the move in words, then the slate and name, size,
angle, lens, move and duration, the prompt, the dialogue and the notes, and beside them, for
a shot on a Scene, its overhead diagram (``previz.export.overhead``). The prompt is never cut
short: the panel's small print shrinks until it fits.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from previz import __version__
from previz.export.cut import Cut, CutEntry
from previz.export.overhead import Overhead, draw_overhead
from previz.export.pdftext import draw_text, font_names, wrap
from previz.export.pictures import EntryPictures, KeyFrames, entry_pictures
from previz.export.timecode import rate_label
from previz.export.writing import write_replacing

PAPERS = {"a4": A4, "letter": LETTER}
PANELS_PER_PAGE = 6
COLUMNS = 2
MARGIN = 36.0
GUTTER = 14.0
HEADER = 22.0
PIXELS_PER_POINT = 2
JPEG_QUALITY = 88
_SMALL_PRINT = (7.0, 6.5, 6.0, 5.5, 5.0, 4.5, 4.0, 3.5)
PANEL_PAD = 6.0
OVERHEAD_SHARE = 0.38  # of the panel's width, for a shot's overhead diagram
_INK, _GREY, _ARROW = (0.1, 0.1, 0.1), (0.4, 0.4, 0.4), (0.85, 0.2, 0.1)
_RULE = (0.8, 0.8, 0.8)


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in points, from its bottom-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        """The y of the top edge."""
        return self.y + self.height


def write_storyboard(cut: Cut, frames: KeyFrames, path: Path, paper: str = "a4",
                     overheads: Mapping[str, Overhead] | None = None) -> None:
    """Write the storyboard of ``cut`` to ``path``, on ``paper`` (``a4`` or ``letter``), its
    pictures read through ``frames``, each entry's overhead diagram from ``overheads`` (by
    entry id) where it has one."""
    if paper not in PAPERS:
        raise ValueError(f"paper {paper!r} is not one of {', '.join(PAPERS)}")
    size = PAPERS[paper]
    pages = max(math.ceil(len(cut.entries) / PANELS_PER_PAGE), 1)

    def draw(temp: Path) -> None:
        # No built-in Helvetica, even unused: every font in the PDF is embedded.
        canvas = Canvas(str(temp), pagesize=size, pageCompression=1,
                        initialFontName=font_names()[0])
        width = round(panel_box(0, size).width * PIXELS_PER_POINT)
        canvas.setTitle(f"{cut.heading} storyboard")
        canvas.setCreator(f"previz {__version__}")
        for page in range(pages):
            _draw_header(canvas, cut, page, pages, size)
            chunk = cut.entries[page * PANELS_PER_PAGE:(page + 1) * PANELS_PER_PAGE]
            for slot, entry in enumerate(chunk):
                pictures = entry_pictures(entry, frames, width)
                _draw_panel(canvas, entry, pictures, panel_box(slot, size),
                            (overheads or {}).get(entry.entry_id))
            canvas.showPage()
        canvas.save()

    # Images go in as binary streams: reportlab's ASCII85 text encoding of them runs in pure
    # Python and took a third of the time.
    binary, rl_config.useA85 = rl_config.useA85, 0
    try:
        write_replacing(path, draw)
    finally:
        rl_config.useA85 = binary


def panel_box(slot: int, size: tuple[float, float]) -> Box:
    """Where panel ``slot`` (0-5, across then down) sits on a page of ``size``."""
    rows = PANELS_PER_PAGE // COLUMNS
    width = (size[0] - 2 * MARGIN - (COLUMNS - 1) * GUTTER) / COLUMNS
    height = (size[1] - 2 * MARGIN - HEADER - (rows - 1) * GUTTER) / rows
    row, column = divmod(slot, COLUMNS)
    top = size[1] - MARGIN - HEADER - row * (height + GUTTER)
    return Box(MARGIN + column * (width + GUTTER), top - height, width, height)


def _draw_header(canvas: Canvas, cut: Cut, page: int, pages: int,
                 size: tuple[float, float]) -> None:
    y = size[1] - MARGIN - 12
    seconds = float(cut.frame_count / cut.rate)
    canvas.setFillColorRGB(*_INK)
    draw_text(canvas, MARGIN, y, cut.heading, 12, bold=True)
    canvas.setFillColorRGB(*_GREY)
    details = (f"{len(cut.entries)} shots   {seconds:.1f} s at {rate_label(cut.rate)}"
               f"   page {page + 1} of {pages}")
    draw_text(canvas, size[0] - MARGIN, y, details, 8, align="right")


def _draw_panel(canvas: Canvas, entry: CutEntry, pictures: EntryPictures, outline: Box,
                overhead: Overhead | None = None) -> None:
    canvas.setStrokeColorRGB(*_RULE)
    canvas.setLineWidth(0.5)
    canvas.roundRect(outline.x, outline.y, outline.width, outline.height, 4, stroke=1, fill=0)
    box = Box(outline.x + PANEL_PAD, outline.y + PANEL_PAD, outline.width - 2 * PANEL_PAD,
              outline.height - 2 * PANEL_PAD)
    aspect = entry.clip.height / entry.clip.width
    picture_height = min(box.width * aspect, box.height * 0.5)
    picture = Box(box.x, box.top - picture_height, box.width, picture_height)
    used = _draw_strip(canvas, entry, pictures, picture) if pictures.strip else _draw_key(
        canvas, pictures, picture)
    _draw_words(canvas, entry, Box(box.x, box.y, box.width, used.y - box.y - 4), overhead)


def _draw_key(canvas: Canvas, pictures: EntryPictures, box: Box) -> Box:
    width = min(box.width, box.height * pictures.key.width / pictures.key.height)
    image = Box(box.x + (box.width - width) / 2, box.y, width, box.height)
    canvas.drawImage(_jpeg(pictures.key), image.x, image.y, image.width, image.height)
    _frame_line(canvas, image)
    return image


def _draw_strip(canvas: Canvas, entry: CutEntry, pictures: EntryPictures, box: Box) -> Box:
    """First, middle and last frames side by side, an arrow under them and the move."""
    gap = 4.0
    width = (box.width - 2 * gap) / 3
    height = min(width * pictures.key.height / pictures.key.width, box.height - 18)
    top = box.top
    for index, image in enumerate(pictures.strip):
        frame = Box(box.x + index * (width + gap), top - height, width, height)
        canvas.drawImage(_jpeg(image), frame.x, frame.y, frame.width, frame.height)
        _frame_line(canvas, frame)
    middle = Box(box.x + width + gap, top - height, width, height)
    _direction_arrows(canvas, entry, middle)
    arrow_y = top - height - 7
    _arrow(canvas, box.x + width / 2, arrow_y, box.x + box.width - width / 2, arrow_y)
    canvas.setFillColorRGB(*_ARROW)
    draw_text(canvas, box.x + box.width / 2, arrow_y - 9, entry.info.move_label, 7, bold=True,
              align="center")
    return Box(box.x, arrow_y - 11, box.width, box.top - arrow_y + 11)


def _direction_arrows(canvas: Canvas, entry: CutEntry, frame: Box) -> None:
    """Arrows over the middle frame showing which way the first move takes the picture."""
    move = next((move for move in entry.info.moves if move.amount and move.move != "static"),
                None)
    if move is None:
        return
    sign = 1 if move.amount > 0 else -1
    cx, cy = frame.x + frame.width / 2, frame.y + frame.height / 2
    reach = min(frame.width, frame.height) * 0.3
    if move.move in ("pan", "truck", "orbit", "roll"):
        _arrow(canvas, cx - sign * reach, cy, cx + sign * reach, cy)
    elif move.move in ("tilt", "pedestal", "crane"):
        _arrow(canvas, cx, cy - sign * reach, cx, cy + sign * reach)
    else:  # dolly, zoom, dolly-zoom: in towards the centre, out away from it
        for dx, dy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
            outer = (cx + dx * reach * 1.4, cy + dy * reach)
            inner = (cx + dx * reach * 0.5, cy + dy * reach * 0.35)
            start, end = (outer, inner) if sign > 0 else (inner, outer)
            _arrow(canvas, *start, *end)


def _jpeg(image: Image.Image) -> ImageReader:
    """``image`` as a JPEG for the page: a tenth of the bytes of a deflated bitmap."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    buffer.seek(0)
    return ImageReader(buffer)


def _arrow(canvas: Canvas, x0: float, y0: float, x1: float, y1: float) -> None:
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    head = 5.0
    canvas.setStrokeColorRGB(*_ARROW)
    canvas.setFillColorRGB(*_ARROW)
    canvas.setLineWidth(1.4)
    canvas.line(x0, y0, x1 - ux * head * 0.8, y1 - uy * head * 0.8)
    path = canvas.beginPath()
    path.moveTo(x1, y1)
    path.lineTo(x1 - ux * head - uy * head * 0.6, y1 - uy * head + ux * head * 0.6)
    path.lineTo(x1 - ux * head + uy * head * 0.6, y1 - uy * head - ux * head * 0.6)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _frame_line(canvas: Canvas, box: Box) -> None:
    canvas.setStrokeColorRGB(*_GREY)
    canvas.setLineWidth(0.5)
    canvas.rect(box.x, box.y, box.width, box.height, stroke=1, fill=0)


def _draw_words(canvas: Canvas, entry: CutEntry, box: Box,
                overhead: Overhead | None = None) -> None:
    info = entry.info
    y = box.top - 9
    canvas.setFillColorRGB(*_INK)
    title = f"{entry.name}  {info.name}" if info.name else entry.name
    draw_text(canvas, box.x, y, title, 9, bold=True)
    draw_text(canvas, box.x + box.width, y, f"{float(entry.duration):.2f} s", 9, bold=True,
              align="right")
    details = "  ·  ".join(part for part in (info.kind, info.size, info.angle, info.lens_label,
                                             info.move_label) if part)
    y -= 9
    canvas.setFillColorRGB(*_GREY)
    draw_text(canvas, box.x, y, details, 6.5)
    paragraphs = [(False, info.prompt, _INK)]
    if info.dialogue:
        paragraphs.append((True, f"\u201c{info.dialogue}\u201d", _INK))
    if info.notes:
        paragraphs.append((False, f"Notes: {info.notes}", _GREY))
    text = Box(box.x, box.y, box.width, y - 3 - box.y)
    if overhead is not None:  # beside the words, under the title and details
        side = min(text.height, box.width * OVERHEAD_SHARE)
        draw_overhead(canvas, overhead, (box.x + box.width - side, text.top - side),
                      (side, side))
        text = Box(text.x, text.y, text.width - side - 6, text.height)
    _draw_paragraphs(canvas, paragraphs, text)


def _draw_paragraphs(canvas: Canvas, paragraphs: Sequence[tuple[bool, str, tuple[float, ...]]],
                     box: Box) -> None:
    """Wrapped paragraphs (bold or not, text, colour) in the largest small print that fits
    them all into ``box``."""
    for size in _SMALL_PRINT:
        wrapped = [wrap(text, size, box.width, bold) for bold, text, _ in paragraphs]
        if sum(len(lines) for lines in wrapped) * size * 1.15 <= box.height:
            break
    y = box.top - size
    for (bold, _, color), lines in zip(paragraphs, wrapped, strict=True):
        canvas.setFillColorRGB(*color)
        for line in lines:
            draw_text(canvas, box.x, y, line, size, bold=bold)
            y -= size * 1.15
