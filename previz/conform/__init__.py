"""Conform: an editor's cut (OTIO, FCP 7 XML, EDL) read back onto the project's timeline."""

from __future__ import annotations

from previz.conform.match import ConformReport, ConformTimeline, conform_edit, export_names
from previz.conform.read import ConformError, EditedClip, EditedCut, read_cut

__all__ = ["ConformError", "ConformReport", "ConformTimeline", "EditedClip", "EditedCut",
           "conform_edit", "export_names", "read_cut"]
