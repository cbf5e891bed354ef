"""pamphlet: compile a library of essays into a printable zine and an EPUB e-book."""

__version__ = "0.1.0"
