"""solieu: figures, targets and legal-document references from Vietnamese government text."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["extract", "read_document", "__version__"]


def __getattr__(name: str):
    # Lazy: `import nlp` stays cheap (the CLI's --help, worker start-up).
    if name == "extract":
        from .pipeline import extract

        return extract
    if name == "read_document":
        from .readers import read_document

        return read_document
    raise AttributeError(name)
