"""Errors the document model raises: a refused edit and a malformed project."""

from __future__ import annotations


class EditRefused(Exception):
    """An edit that would break the document (an incompatible link, a cycle); nothing changed."""


class ProjectError(Exception):
    """A project that cannot be read: says what is wrong and where."""

    def __init__(self, what: str, where: str = "") -> None:
        super().__init__(f"{where}: {what}" if where else what)
        self.what = what
        self.where = where
