"""Backends that turn a render request into frames: the draft renderer and open video models."""
