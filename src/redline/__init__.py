"""redline: keep every version of a web article and show what changed."""

__version__ = "0.1.0"
