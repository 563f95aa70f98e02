"""The timeline dock: the cut, its edits and its playback at the editorial rate."""
