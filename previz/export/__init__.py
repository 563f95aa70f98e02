"""Exports for editors, shoots and producers: movies, OTIO, FCP XML, EDL, PDF, CSV."""
