"""The inspector's grouped, collapsible sections: a node's params by what they are about."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from previz.core.spec import Param

# Each section and the params it gathers (by name, across node types); the rest go in "More".
SECTIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Slate", frozenset({"number", "heading", "scene", "shot", "name", "duration",
                         "added_duration", "bridge_duration", "fps", "image", "role", "time"})),
    ("Camera", frozenset({"shot_size", "angle", "lens", "framing", "side", "over", "subject",
                          "move", "amount", "unit", "start", "end", "easing", "placed",
                          "camera_x", "camera_z", "camera_height", "pan", "tilt", "roll"})),
    ("Scene", frozenset({"location", "time_of_day", "cast", "blocking", "action", "subjects",
                         "scene_in"})),
    ("Prompt", frozenset({"text", "negative", "style"})),
    ("Frame", frozenset({"width", "height", "sensor", "turn_camera"})),
    ("Render", frozenset({"backend", "model", "steps", "guidance", "seed", "takes",
                          "context_frames", "handles"})),
    ("Notes", frozenset({"notes", "dialogue", "script"})),
)
MORE = "More"
collapsed: set[str] = set()  # sections the user closed, kept closed from node to node


def sections_of(params: Sequence[Param]) -> list[tuple[str, list[Param]]]:
    """The node's params in sections, in ``SECTIONS`` order, each in the spec's order."""
    grouped: dict[str, list[Param]] = {}
    for param in params:
        title = next((name for name, members in SECTIONS if param.name in members), MORE)
        grouped.setdefault(title, []).append(param)
    order = [name for name, _ in SECTIONS] + [MORE]
    return [(title, grouped[title]) for title in order if title in grouped]


class QtSection(QWidget):
    """A header button that opens and closes a form of rows."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.header = QToolButton(self)
        self.header.setObjectName("sectionHeader")
        self.header.setText(title)
        self.header.setCheckable(True)
        self.header.setChecked(title not in collapsed)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.body = QWidget(self)
        self.form = QFormLayout(self.body)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setContentsMargins(8, 2, 0, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        self.header.toggled.connect(self._toggled)
        self._toggled(self.header.isChecked())

    @property
    def is_open(self) -> bool:
        """Whether its rows show."""
        return self.header.isChecked()

    def _toggled(self, shown: bool) -> None:
        self.header.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.body.setVisible(shown)
        (collapsed.discard if shown else collapsed.add)(self.title)
