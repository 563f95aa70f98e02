"""Render ▸ Render Farm…: the Ray cluster the app renders on (a setting; empty: this machine).

The address is saved as ``ray_address`` in the settings file; the session's executor gets a
``RayRunner`` for it (Ray is imported only then), or this machine's runner back.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from previz.engine.runner import LocalRunner, Runner
from previz.engine.session import EngineSession
from previz.settings import SettingsError

log = logging.getLogger("previz.render")


def farm_runner(address: str) -> Runner | None:
    """A runner for the cluster at ``address``; None (and a logged reason) without Ray."""
    if not address:
        return None
    try:
        from previz.farm.runner import RayRunner
    except ImportError as error:
        log.warning("renders stay on this machine: the farm extra is not installed (%s)", error)
        return None
    log.info("renders go to the Ray cluster at %s", address)
    return RayRunner(address)


def use_farm(session: EngineSession, address: str) -> None:
    """Render the session's takes on the cluster at ``address`` (empty: on this machine)."""
    executor = session.executor
    previous = executor.runner
    executor.runner = farm_runner(address) or LocalRunner()
    previous.close()


def choose_farm(parent: QWidget, session: EngineSession, busy: bool) -> str | None:
    """Ask for the cluster's address, save it and use it; the address, or None if kept."""
    if busy:
        log.info("the render farm can be changed once the render ends")
        return None
    address, accepted = QInputDialog.getText(
        parent, "Render Farm", "Ray cluster (host:port of its head; empty: this machine):",
        QLineEdit.EchoMode.Normal, session.settings.ray_address)
    if not accepted:
        return None
    address = address.strip()
    session.settings.ray_address = address
    try:
        session.settings.save(session.settings_file)
    except (OSError, SettingsError) as error:
        log.warning("the render farm setting could not be saved: %s", error)
    use_farm(session, address)
    return address
