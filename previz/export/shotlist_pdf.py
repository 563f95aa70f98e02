"""The shot list as PDF pages: the 1st AD's columns in a landscape table, A4 or Letter."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.pdfgen.canvas import Canvas

from previz import __version__
from previz.export.cut import Cut
from previz.export.pdftext import draw_text, font_names, wrap
from previz.export.shotlist import COLUMNS, HEADINGS, shot_rows
from previz.export.writing import write_replacing

PAPERS = {"a4": landscape(A4), "letter": landscape(LETTER)}
MARGIN = 28.0
SIZE = 6.5
LEADING = SIZE * 1.2
PAD = 2.5
# Relative widths: words get room, numbers little.
WIDTHS = {"scene": 3, "shot": 3.5, "description": 14, "int_ext": 4, "day_night": 4.5,
          "location": 7, "cast": 6, "size": 3, "angle": 5, "movement": 8, "lens": 4,
          "camera_height": 4.5, "distance": 4.5, "equipment": 5, "frame_rate": 4.5,
          "duration": 4, "notes": 12}
_INK, _GREY, _RULE = (0.1, 0.1, 0.1), (0.4, 0.4, 0.4), (0.75, 0.75, 0.75)


def write_shot_list_pdf(cut: Cut, path: Path, paper: str = "a4") -> None:
    """Write the shot list of ``cut`` to ``path`` as landscape pages on ``paper``."""
    size = PAPERS[paper]
    total = sum(WIDTHS.values())
    widths = [WIDTHS[column] / total * (size[0] - 2 * MARGIN) for column in COLUMNS]
    rows = shot_rows(cut)

    def draw(temp: Path) -> None:
        canvas = Canvas(str(temp), pagesize=size, pageCompression=1,
                        initialFontName=font_names()[0])
        canvas.setTitle(f"{cut.heading} shot list")
        canvas.setCreator(f"previz {__version__}")
        y = _page_top(canvas, cut, size, widths)
        for row in rows:
            cells = [wrap(row[column], SIZE, width - 2 * PAD)
                     for column, width in zip(COLUMNS, widths, strict=True)]
            height = max(len(lines) for lines in cells) * LEADING + 2 * PAD
            if y - height < MARGIN:
                canvas.showPage()
                y = _page_top(canvas, cut, size, widths)
            _row(canvas, cells, widths, y, bold=False)
            y -= height
        canvas.showPage()
        canvas.save()

    write_replacing(path, draw)


def _page_top(canvas: Canvas, cut: Cut, size: tuple[float, float],
              widths: list[float]) -> float:
    y = size[1] - MARGIN
    canvas.setFillColorRGB(*_INK)
    draw_text(canvas, MARGIN, y - 12, f"{cut.heading}: shot list", 12, bold=True)
    canvas.setFillColorRGB(*_GREY)
    draw_text(canvas, size[0] - MARGIN, y - 12, f"{len(shot_rows(cut))} shots", 8,
              align="right")
    y -= 24
    headings = [wrap(HEADINGS[column], SIZE, width - 2 * PAD, bold=True)
                for column, width in zip(COLUMNS, widths, strict=True)]
    _row(canvas, headings, widths, y, bold=True)
    return y - max(len(lines) for lines in headings) * LEADING - 2 * PAD


def _row(canvas: Canvas, cells: list[list[str]], widths: list[float], top: float,
         bold: bool) -> None:
    height = max(len(lines) for lines in cells) * LEADING + 2 * PAD
    canvas.setStrokeColorRGB(*_RULE)
    canvas.line(MARGIN, top - height, MARGIN + sum(widths), top - height)
    x = MARGIN
    canvas.setFillColorRGB(*_INK)
    for lines, width in zip(cells, widths, strict=True):
        for index, line in enumerate(lines):
            draw_text(canvas, x + PAD, top - PAD - SIZE - index * LEADING, line, SIZE,
                      bold=bold)
        x += width
