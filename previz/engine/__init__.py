"""Rendering the plan: compile, validation, cache keys, clip store, executor, progress."""
