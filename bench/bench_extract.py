"""Time extracting 1,000 articles (the golden briefs, cycled), five times over."""

from __future__ import annotations

import statistics
import time
from itertools import cycle, islice
from pathlib import Path

from etl.extraction.articles import infer_published, read_article
from etl.extraction.extract import extract_figures

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden" / "articles"
# A day's worth of corridor news from many outlets is in the hundreds; 1,000 leaves headroom.
ARTICLES = 1000
REPEATS = 5


def main() -> None:
    """Print the median, min and max seconds for extracting ARTICLES articles."""
    docs = []
    for path in sorted(GOLDEN.glob("*.txt")):
        article = read_article(path)
        published = article.published or infer_published(article.body)
        if published is not None:
            docs.append((article.body, published))
    batch = list(islice(cycle(docs), ARTICLES))
    times = []
    figures = 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        figures = sum(len(extract_figures(body, published)) for body, published in batch)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"extract {ARTICLES} articles ({figures} figures), {REPEATS} runs")
    print(f"median {median:.3f} s  min {min(times):.3f} s  max {max(times):.3f} s")
    print(f"{ARTICLES / median:.0f} articles/s")


if __name__ == "__main__":
    main()
