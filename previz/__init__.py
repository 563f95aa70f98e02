"""Previz: a previsualization studio for filmmakers."""

__version__ = "0.1.0"
