"""The app's logic without Qt: badges, summaries, clipboard, takes, the cut, the play clock."""
