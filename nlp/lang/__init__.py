"""The ground floor: Vietnamese text facts every layer shares (folding, numerals, document codes, dates).

Nothing here imports another solieu module except `nlp.rules` (the rule files), so the
extractor, the store, search and the UI can all build on it without a loop.
"""
