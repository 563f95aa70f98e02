"""Text in any script in PDFs: the shipped font family embedded, per-character fallback, RTL.

reportlab embeds (subsets) TrueType fonts registered with it, so every PDF names only fonts it
carries. A line is shaped and cut into runs by ``previz.media.text`` and each run drawn with its
font. The glyphs of a right-to-left run are placed right to left but written in the order they
were typed, so text extraction reads Hebrew as typed and Arabic as typed in its joined
presentation forms (which NFKC normalisation turns back into the letters; poppler ignores an
``/ActualText`` span here, measured).
"""

from __future__ import annotations

import functools

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from previz.media.text import font_paths, is_rtl, runs

LINE_SPACING = 1.15


@functools.cache
def font_names(bold: bool = False) -> tuple[str, ...]:
    """The family registered with reportlab (once), in fallback order."""
    names = []
    for index, path in enumerate(font_paths(bold)):
        name = f"Previz{'Bold' if bold else 'Regular'}{index}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        names.append(name)
    return tuple(names)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide ``text`` prints at ``size`` points."""
    names = font_names(bold)
    return sum(pdfmetrics.stringWidth(run.text, names[run.font], size)
               for run in runs(text, bold))


def draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, *,
              bold: bool = False, align: str = "left") -> None:
    """One line with its baseline at ``y``; ``x`` is its left end, ``center`` or ``right``
    end by ``align``."""
    names = font_names(bold)
    x -= {"left": 0.0, "center": text_width(text, size, bold) / 2,
          "right": text_width(text, size, bold)}[align]
    for run in runs(text, bold):
        name = names[run.font]
        canvas.setFont(name, size)
        if not is_rtl(run.text):
            canvas.drawString(x, y, run.text)
            x += pdfmetrics.stringWidth(run.text, name, size)
            continue
        placed = []
        for char in run.text:
            placed.append((x, char))
            x += pdfmetrics.stringWidth(char, name, size)
        for left, char in reversed(placed):  # typed order, drawn right to left
            canvas.drawString(left, y, char)


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width`` at ``size``, broken between words (a word
    wider than the line is broken between characters)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while text_width(line, size, bold) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and text_width(line[:cut], size, bold) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines

