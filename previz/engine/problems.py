"""Problems the compiler finds, as data: each names its node and port."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ProblemKind(StrEnum):
    """What kind of problem it is."""

    CYCLE = "cycle"
    UNKNOWN_TYPE = "unknown node type"
    UNKNOWN_PORT = "unknown port"
    TYPE_MISMATCH = "type mismatch"
    MISSING_INPUT = "missing input"
    BAD_PARAM = "bad param"
    BACKEND_MISSING = "backend missing"
    MODEL_MISSING = "model missing"
    NOT_RUNNABLE = "not runnable"


@dataclass(frozen=True)
class Problem:
    """One problem: its kind, the node (id and the name a user knows it by), port and message.

    ``port`` is an input or param name, or empty when the problem is the node's as a whole.
    """

    kind: ProblemKind
    node_id: str
    node_name: str
    port: str
    message: str

    def __str__(self) -> str:
        where = f"{self.node_name}, {self.port}" if self.port else self.node_name
        return f"{where}: {self.kind}: {self.message}"
