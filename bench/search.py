"""Search benchmark: this app's Whoosh index against an SQLite FTS5 baseline, same corpus.

    .venv/bin/python bench/search.py [--documents 10000] [--queries 1000] [--seed 7]

Corpus: the bundled pages (content/pages, read from the files, every locale) plus
`--documents` generated ones, made of real titles, sentences and tags of the bundled pages
recombined, in the same mix of locales, so their words look like the site's.
Queries: the resident queries of tests/search/relevance.yaml plus words and word pairs from
titles, in every locale, `--queries` in all.

Both engines get the same analysis (Sudachi mode A, normalised form, kana folded), timed
as part of each query:
- Whoosh: what /search runs (service.find_matches): analysis, synonyms and spelling, the
  Whoosh query over words, title words and word pairs (bigrams only when words find almost
  nothing), the best 100 documents, ranking across languages with de-duplication. Scored
  postings are cached per live index, so a second line empties that cache before every
  query; a third times the whole service call, snippets included.
- FTS5: unicode61 over the same analysed words, in title/summary/body columns, the words
  OR-ed, bm25 with the same title/summary/body weights, LIMIT 10.
Latency is per query on one core, after a warm-up, as wall-clock time and as the CPU time of
the thread (on a shared machine, other processes inflate the first, not the second); size is
bytes on disk.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

# The app reads these at start-up; keep everything inside a temporary folder.
WORKDIR = Path(tempfile.mkdtemp(prefix="search-bench-"))
os.environ["INSTANCE_PATH"] = str(WORKDIR / "instance")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["DATABASE_URL"] = ""

from shinjuku_pwa import create_app  # noqa: E402
from shinjuku_pwa.content.loader import load_content  # noqa: E402
from shinjuku_pwa.search import service  # noqa: E402
from shinjuku_pwa.search.analysis import clean_text, word_terms  # noqa: E402
from shinjuku_pwa.search.curation import load_curation  # noqa: E402
from shinjuku_pwa.search.index import build_index, index_size  # noqa: E402
from shinjuku_pwa.search.query import understand  # noqa: E402
from shinjuku_pwa.search.sources import SearchDocument, text_from_html  # noqa: E402

CONTENT = PROJECT_ROOT / "content"
RELEVANCE = PROJECT_ROOT / "tests" / "search" / "relevance.yaml"
FTS_WEIGHTS = (4.0, 2.0, 1.0)  # title, summary + tags, body: as the Whoosh query weighs them
_SENTENCE_END = re.compile(r"(?<=[。.!?！？])\s*|\n+")


def bundled_documents() -> list[SearchDocument]:
    bundle = load_content(CONTENT)
    return [
        SearchDocument("page", slug, locale, f.meta["title"], f.meta["summary"], text_from_html(f.body_html),
                       f.meta["category"], f"/{{lang}}/pages/{slug}", tuple(f.meta.get("tags") or ()))
        for slug, files in sorted(bundle.pages.items()) for locale, f in sorted(files.items())
    ]


def generated_documents(real: list[SearchDocument], count: int, rng: random.Random) -> list[SearchDocument]:
    """Documents made of real sentences and titles, recombined within one locale."""
    by_locale: dict[str, list[SearchDocument]] = {}
    for doc in real:
        by_locale.setdefault(doc.locale, []).append(doc)
    sentences = {
        locale: [s.strip() for doc in docs for s in _SENTENCE_END.split(doc.body) if len(s.strip()) > 8]
        for locale, docs in by_locale.items()
    }
    locales = [doc.locale for doc in real]  # the real mix of locales
    generated = []
    for number in range(count):
        locale = rng.choice(locales)
        sources = rng.sample(by_locale[locale], k=min(2, len(by_locale[locale])))
        title = " ".join(doc.title.split("（")[0].split("(")[0] for doc in sources)
        body = "\n".join(rng.sample(sentences[locale], k=min(rng.randint(5, 10), len(sentences[locale]))))
        tags = tuple(tag for doc in sources for tag in doc.tags[:2])
        summary = sources[1].summary if len(sources) > 1 else sources[0].summary
        generated.append(SearchDocument("generated", f"doc-{number}", locale, title, summary,
                                        body, sources[0].category, f"/{{lang}}/generated/{number}", tags))
    return generated


def bench_queries(real: list[SearchDocument], count: int, rng: random.Random) -> list[tuple[str, str]]:
    queries = [(case["q"], case["lang"]) for case in yaml.safe_load(RELEVANCE.read_text(encoding="utf-8"))]
    while len(queries) < count:
        doc = rng.choice(real)
        words = [t.surface for t in word_terms(clean_text(doc.title + " " + " ".join(doc.tags))) if t.surface]
        if words:
            start = rng.randrange(len(words))
            queries.append((" ".join(words[start:start + rng.choice((1, 1, 2, 3))]), doc.locale))
    rng.shuffle(queries)
    return queries[:count]


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def time_each(function, queries) -> tuple[list[float], list[float]]:
    """Milliseconds per query: wall clock, and CPU time of this thread (what other processes
    on a shared machine cannot inflate)."""
    for text, lang in queries[:50]:  # warm-up: caches, lazy structures, Sudachi
        function(text, lang)
    wall, cpu = [], []
    for text, lang in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        function(text, lang)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


# --- FTS5 baseline --------------------------------------------------------------------------

def analysed(text: str) -> str:
    return " ".join(term.text for term in word_terms(clean_text(text)))


def build_fts(path: Path, documents: list[SearchDocument]) -> float:
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, head, body, tokenize='unicode61 remove_diacritics 2')"
    )
    connection.executemany(
        "INSERT INTO docs (rowid, title, head, body) VALUES (?, ?, ?, ?)",
        ((n, analysed(d.title), analysed(d.summary + " " + " ".join(d.tags)), analysed(d.body))
         for n, d in enumerate(documents)),
    )
    connection.commit()
    connection.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def fts_searcher(path: Path):
    connection = sqlite3.connect(path)
    sql = f"SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, {', '.join(map(str, FTS_WEIGHTS))}) LIMIT 10"

    def search(text: str, lang: str) -> list[int]:
        words = dict.fromkeys(term.text for term in word_terms(clean_text(text[:200])))
        if not words:
            return []
        match = " OR ".join('"' + word.replace('"', '""') + '"' for word in words)
        return [row[0] for row in connection.execute(sql, (match,))]

    return search


# --- Whoosh, as the app runs it ------------------------------------------------------------

def whoosh_core_search(text: str, lang: str):
    """Analysis + Whoosh query + ranking: service.search without snippets and display."""
    live = service.ensure_index()
    catalog = live.catalog
    terms = understand(text[:200], catalog.synonyms_by_first_word, catalog.corrector, catalog.known_stems)
    if terms.empty:
        return []
    return service.find_matches(terms, lang, time.monotonic() + 1, live=live).ranked[:10]


def whoosh_cold_search(text: str, lang: str):
    """The same, with the postings cache emptied first: every term read and scored anew."""
    service.ensure_index().postings_cache.clear()
    return whoosh_core_search(text, lang)


def report(name: str, timings: tuple[list[float], list[float]]) -> dict[str, dict[str, float]]:
    cuts = {}
    for label, samples in zip(("wall", "cpu"), timings, strict=True):
        cut = cuts[label] = percentiles(samples)
        print(f"  {name:<40} {label:<4}  p50 {cut['p50']:6.2f} ms   p95 {cut['p95']:6.2f} ms   p99 {cut['p99']:6.2f} ms")
    return cuts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    real = bundled_documents()
    corpus = real + generated_documents(real, args.documents, rng)
    queries = bench_queries(real, args.queries, rng)
    print(f"Corpus: {len(real)} bundled + {args.documents} generated = {len(corpus)} documents, "
          f"{sum(len(d.body) for d in corpus) / len(corpus):.0f} body characters on average; {len(queries)} queries")

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{WORKDIR / 'bench.sqlite3'}"})
    with app.app_context():
        root = service.index_root()
        curation = load_curation(CONTENT)
        word_terms("準備")  # load Sudachi before timing the builds
        started = time.perf_counter()
        built = build_index(root, corpus, curation)
        whoosh_build = time.perf_counter() - started
        whoosh_size = index_size(built.directory)
        fts_path = WORKDIR / "fts5.sqlite3"
        fts_build = build_fts(fts_path, corpus)
        fts_size = fts_path.stat().st_size

        print("Build (analysis included):")
        print(f"  Whoosh (whoosh-ng)  {whoosh_build:6.1f} s   {whoosh_size / 1e6:6.1f} MB (index files + catalog)")
        print(f"  SQLite FTS5         {fts_build:6.1f} s   {fts_size / 1e6:6.1f} MB")
        print("Query latency, one core:")
        whoosh = report("Whoosh: analysis + query + ranking", time_each(whoosh_core_search, queries))
        cold = report("Whoosh: the same, postings cache cold", time_each(whoosh_cold_search, queries))
        fts = report("FTS5: analysis + MATCH + bm25", time_each(fts_searcher(fts_path), queries))
        whole = report("Whoosh: whole service.search",
                       time_each(lambda q, lang: service.search(q, lang, count_miss=False), queries))
        for name, cuts in (("Whoosh", whoosh), ("Whoosh, cache cold", cold), ("whole service.search", whole)):
            for label in ("wall", "cpu"):
                ratios = ", ".join(f"{cut} {cuts[label][cut] / fts[label][cut]:.1f}x" for cut in ("p50", "p95", "p99"))
                print(f"Ratio {name} / FTS5 ({label}): {ratios}")
        print(f"Load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
