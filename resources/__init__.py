"""Icons, the stylesheet, fonts and the example project, read through importlib.resources."""
