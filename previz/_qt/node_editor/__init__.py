"""The node editor: the shot graph drawn from the evented project, edited through commands."""
