"""Docks of the project's libraries and lists: cast, locations, shot table."""
