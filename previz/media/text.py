"""Text in any script on pictures: the shipped font family, per-character fallback, RTL shaping.

Every caption, burn-in and sheet label is drawn here. A line of text is shaped first (Arabic
letters joined into their presentation forms by ``arabic-reshaper``, right-to-left runs put in
display order by ``python-bidi``), then cut into runs, each drawn with the first font of the
family (``resources/fonts``) that has all of its characters; a combining mark or a joiner
stays in the run it follows. Pillow's basic layout draws the runs, except those of the scripts
whose letters change shape and order as they combine (Devanagari and the other Indic scripts,
Thai, Lao, Khmer, Myanmar, Sinhala): those go through Pillow's libraqm layout (HarfBuzz) where
Pillow has it, and fall back to the basic layout (every glyph drawn, unjoined) where it does
not.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from fontTools.ttLib import TTFont
from PIL import ImageDraw, ImageFont, features

# Scripts whose glyphs combine (conjuncts, vowel signs drawn before their consonant, stacked
# marks): drawn with a shaping layout where Pillow has one.
SHAPED = ("NotoSansDevanagari-Regular.ttf", "NotoSansBengali-Regular.ttf",
          "NotoSansGurmukhi-Regular.ttf", "NotoSansGujarati-Regular.ttf",
          "NotoSansTamil-Regular.ttf", "NotoSansTelugu-Regular.ttf",
          "NotoSansKannada-Regular.ttf", "NotoSansMalayalam-Regular.ttf",
          "NotoSansSinhala-Regular.ttf", "NotoSansThai-Regular.ttf", "NotoSansLao-Regular.ttf",
          "NotoSansKhmer-Regular.ttf", "NotoSansMyanmar-Regular.ttf")
REGULAR = ("NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf",
           "DroidSansFallbackFull.ttf", "PrevizHangul-Regular.ttf",
           "NotoSansArmenian-Regular.ttf", "NotoSansGeorgian-Regular.ttf",
           "NotoSansEthiopic-Regular.ttf", *SHAPED)
BOLD = ("NotoSans-Bold.ttf", *REGULAR[1:])
_MARKS = ("Mn", "Mc", "Me", "Cf")
Fill = tuple[int, int, int] | tuple[int, int, int, int]
_RTL_START, _RTL_END = 0x0590, 0x08FF
_RTL_FORMS = (0xFB1D, 0xFEFF)


def fonts_dir() -> Path:
    """``resources/fonts``: inside the installed package, or beside it in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "resources" / "fonts", package.parent / "resources" / "fonts"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the fonts folder is missing (looked beside {package})")


def font_paths(bold: bool = False) -> tuple[Path, ...]:
    """The family's files in fallback order."""
    return tuple(fonts_dir() / name for name in (BOLD if bold else REGULAR))


@dataclass(frozen=True)
class Run:
    """Characters in display order, all drawn with font ``font`` of the family."""

    text: str
    font: int


def is_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Hebrew, Arabic and their forms)."""
    return any(_RTL_START <= ord(char) <= _RTL_END or _RTL_FORMS[0] <= ord(char) <= _RTL_FORMS[1]
               for char in text)


def display_text(text: str) -> str:
    """One line as it is seen: Arabic joined, right-to-left runs reversed into display order."""
    if not is_rtl(text):
        return text
    # A line that opens with a digit or a left-to-right letter (a slate: "020_0010 ירושלים")
    # reads left to right; the bidi algorithm alone would reverse the slate's numbers.
    first = next((char for char in text if char.isalnum()), "")
    base = "R" if is_rtl(first) else "L"
    return get_display(arabic_reshaper.reshape(text), base_dir=base)


def runs(text: str, bold: bool = False) -> list[Run]:
    """One line of ``text`` shaped and cut into runs by the first font that has each
    character (spaces, punctuation, combining marks and joiners stay with the run they are
    in)."""
    coverage = _coverage(bold)
    found: list[Run] = []
    for char in display_text(text):
        font = _font_for(char, coverage)
        if found and (found[-1].font == font or _neutral(char)
                      or (_combining(char) and ord(char) in coverage[found[-1].font])):
            found[-1] = Run(found[-1].text + char, found[-1].font)
        else:
            found.append(Run(char, font))
    return found


def missing_characters(text: str, bold: bool = False) -> str:
    """The characters of ``text`` that no font of the family has (drawn as boxes)."""
    coverage = _coverage(bold)
    return "".join(dict.fromkeys(char for char in display_text(text)
                                 if not _neutral(char) and not any(ord(char) in cmap
                                                                   for cmap in coverage)))


class TextPainter:
    """Draws lines of text at one size with the family onto Pillow images."""

    def __init__(self, size: int, bold: bool = False) -> None:
        self.size, self.bold = max(int(size), 1), bold

    @property
    def _fonts(self) -> _Faces:
        """The faces of the calling thread, so one painter may be shared between threads."""
        return _pil_fonts(self.size, self.bold)

    @property
    def ascent(self) -> int:
        """Pixels from the top of a line to its baseline."""
        return self._fonts[0].getmetrics()[0]

    @property
    def line_height(self) -> int:
        """Pixels from one line's top to the next."""
        ascent, descent = self._fonts[0].getmetrics()
        return ascent + descent

    def width(self, text: str) -> float:
        """How wide ``text`` draws, in pixels."""
        return sum(self._fonts[run.font].getlength(run.text) for run in runs(text, self.bold))

    def draw(self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, fill: Fill,
             align: str = "left") -> None:
        """Draw one line with its top at ``xy``'s y; ``align`` says whether ``xy``'s x is the
        line's left end, its ``center`` or its ``right`` end."""
        x, y = xy
        width = self.width(text)
        x -= {"left": 0.0, "center": width / 2, "right": width}[align]
        baseline = y + self.ascent
        for run in runs(text, self.bold):
            font = self._fonts[run.font]
            draw.text((x, baseline), run.text, font=font, fill=fill, anchor="ls")
            x += font.getlength(run.text)

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width`` pixels."""
        if self.width(text) <= width:
            return text
        while text and self.width(text + "…") > width:
            text = text[:-1]
        return text + "…" if text else ""


def _combining(char: str) -> bool:
    """A vowel sign, a virama, a tone mark or a zero-width joiner: part of the letter before."""
    return unicodedata.category(char) in _MARKS


def shaped(font: int) -> bool:
    """Whether font ``font`` of the family is drawn with the shaping layout here."""
    return REGULAR[font] in SHAPED and features.check("raqm")


def _neutral(char: str) -> bool:
    return char.isspace() or char in "-–—.,:;!?'\"()[]/…·"


def _font_for(char: str, coverage: tuple[frozenset[int], ...]) -> int:
    code = ord(char)
    for index, cmap in enumerate(coverage):
        if code in cmap:
            return index
    return 0


@functools.cache
def _coverage(bold: bool) -> tuple[frozenset[int], ...]:
    covered = []
    for path in font_paths(bold):
        font = TTFont(path, lazy=True)
        try:
            covered.append(frozenset(font.getBestCmap()))
        finally:
            font.close()
    return tuple(covered)


_THREAD = threading.local()


def _pil_fonts(size: int, bold: bool) -> _Faces:
    # One set of faces per thread: a FreeType face is not safe to use from two threads at
    # once (render workers draw captions and labels while the export draws burn-ins), and
    # sharing one crashed the interpreter inside FreeType.
    cache: dict[tuple[int, bool], _Faces] = _THREAD.__dict__
    fonts = cache.get((size, bold))
    if fonts is None:
        fonts = cache[size, bold] = _Faces(size, bold)
    return fonts


class _Faces:
    """The family's faces at one size, each opened the first time a run needs it."""

    def __init__(self, size: int, bold: bool) -> None:
        self.size, self.paths = size, font_paths(bold)
        self._open: dict[int, ImageFont.FreeTypeFont] = {}

    def __getitem__(self, index: int) -> ImageFont.FreeTypeFont:
        face = self._open.get(index)
        if face is None:
            layout = ImageFont.Layout.RAQM if shaped(index) else ImageFont.Layout.BASIC
            face = self._open[index] = ImageFont.truetype(str(self.paths[index]), self.size,
                                                          layout_engine=layout)
        return face
