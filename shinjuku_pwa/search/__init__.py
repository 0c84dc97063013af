"""Search across every locale (issue 3).

analysis.py (text → terms) → query.py (terms → Whoosh query, pure) → index.py and
scorer.py (building, swapping and reading the index) → ranking.py (languages, best bets,
facets, pure) → service.py (what views, API and CLI call) → routes.py, api.py, cli.py.
sources.py says what is indexed; curation.py reads synonyms and best bets; catalog.py,
snippets.py and spelling.py hold the in-memory parts around the index.
"""
