"""Every shortcut runs one action, on every platform's key bindings (Ctrl+D duplicates)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence

from previz._qt import actions

# What Qt's X11 theme binds (qplatformtheme.cpp): Delete is Del and the Emacs Ctrl+D there.
X11_DELETE = [QKeySequence("Del"), QKeySequence("Ctrl+D")]


def test_no_two_actions_share_a_key_with_x11_bindings(monkeypatch: pytest.MonkeyPatch,
                                                      qapp) -> None:
    real = QKeySequence.keyBindings

    def x11(key: QKeySequence.StandardKey) -> list[QKeySequence]:
        return X11_DELETE if key == QKeySequence.StandardKey.Delete else real(key)

    monkeypatch.setattr(QKeySequence, "keyBindings", staticmethod(x11))
    owners: dict[str, str] = {}
    for row in actions.ACTIONS:
        for sequence in actions.key_sequences(row):
            text = sequence.toString()
            assert text not in owners, f"{text} runs both {owners[text]} and {row.id}"
            owners[text] = row.id
    assert owners["Ctrl+D"] == "edit.duplicate"
    assert owners["Ctrl+Alt+D"] == "edit.duplicate_with_inputs"
