"""The node-author surface: what a node pack, built-in or third-party, may import."""

from __future__ import annotations

from previz.core.ports import PortType
from previz.core.spec import (
    Input,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamIssue,
    ParamKind,
    format_fraction,
    parse_fraction,
)
from previz.core.subjects import SUBJECT_KINDS, Subject, parse_subjects

__all__ = [
    "SUBJECT_KINDS",
    "Input",
    "NodeSpec",
    "NodeType",
    "Output",
    "Param",
    "ParamIssue",
    "ParamKind",
    "PortType",
    "Subject",
    "format_fraction",
    "parse_fraction",
    "parse_subjects",
]
