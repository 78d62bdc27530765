"""hamhung: answers about Hamhŭng from a curated, cited fact store."""

__version__ = "0.1.0"
