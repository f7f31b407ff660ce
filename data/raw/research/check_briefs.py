"""Check each dated brief is in the project's own words: its longest run shared with its report.

For every dated brief (data/raw/articles/YYYYMMDD-*.txt) the body (after the `---` header) is
compared with a comparison copy: the report text read while writing it (REPORTS_DIR/<stem>.txt,
kept outside the repository, never committed) when present, else the brief as it stood before
the rewrite (`git show BASE:data/raw/articles/<file>`, largely the report's own text). Names of
bodies, lines and places (ALLOWED) are not counted: each breaks a run, so a run never spans one.
Prints per file the longest shared run and exits non-zero when any is longer than LIMIT.

    python data/raw/research/check_briefs.py [--reports DIR] [--base COMMIT] [FILE...]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

# The rule: no run of more than about 20 characters copied from the report.
LIMIT = 20
# The commit before the rewrite: its briefs are the comparison copy when no report text was kept.
BASE = "8dbd558"
REPORTS_DIR = Path("/work/reports")
ARTICLES = Path(__file__).resolve().parents[1] / "articles"
DATED = re.compile(r"^\d{8}-.+\.txt$")

# Names a summary must be free to repeat: bodies, lines, places. Longest first when replaced.
ALLOWED = (
    "西部陆海新通道物流和运营组织中心",
    "西部陆海新通道",
    "陆海新通道",
    "新通道",
    "中新互联互通项目",
    "中国国家铁路集团有限公司",
    "中国国家铁路集团",
    "国铁集团",
    "国铁南宁局",
    "中国铁路南宁局集团有限公司",
    "中国铁路南宁局集团",
    "中国铁路成都局集团有限公司",
    "中国铁路成都局集团",
    "北部湾港集团",
    "广西北部湾国际港务集团",
    "北部湾港",
    "北部湾",
    "钦州港东站",
    "钦州铁路集装箱中心站",
    "钦州港",
    "钦州",
    "防城港",
    "北海",
    "洋浦港",
    "洋浦",
    "海南自由贸易港",
    "重庆市人民政府口岸和物流办公室",
    "重庆市口岸物流办",
    "重庆海关",
    "南宁海关",
    "重庆",
    "广西壮族自治区",
    "广西",
    "贵州",
    "云南",
    "四川",
    "甘肃",
    "兰州新区",
    "兰州",
    "成都",
    "昆明",
    "南宁",
    "凭祥",
    "崇左",
    "友谊关口岸",
    "友谊关",
    "团结村",
    "江津",
    "铁海联运班列",
    "铁海联运",
    "海铁联运班列",
    "海铁联运",
    "国际铁路联运",
    "跨境公路班车",
    "跨境铁路",
    "中欧班列",
    "中老铁路",
    "中老班列",
    "中越班列",
    "国际陆海贸易新通道",
    "《西部陆海新通道总体规划》",
    "西部陆海新通道总体规划",
    "东盟",
    "中国—东盟",
    "中国",
    "越南",
    "老挝",
    "新加坡",
    "缅甸",
    "泰国",
)


def body(text: str) -> str:
    """Return a brief's text after its `key: value` header (all of it when there is none)."""
    _head, sep, rest = text.partition("\n---\n")
    return rest if sep else text


def normalise(text: str, gap: str) -> str:
    """Return text with widths folded, blanks dropped and each allowed name replaced by gap."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    for name in sorted(ALLOWED, key=len, reverse=True):
        text = text.replace(unicodedata.normalize("NFKC", name), gap)
    return text


def longest_shared(a: str, b: str) -> str:
    """Return the longest substring of `a` that also occurs in `b` (suffix automaton over b)."""
    nxt: list[dict[str, int]] = [{}]
    link = [-1]
    length = [0]
    last = 0
    for ch in b:
        cur = len(nxt)
        nxt.append({})
        length.append(length[last] + 1)
        link.append(0)
        p = last
        while p != -1 and ch not in nxt[p]:
            nxt[p][ch] = cur
            p = link[p]
        if p != -1:
            q = nxt[p][ch]
            if length[p] + 1 == length[q]:
                link[cur] = q
            else:
                clone = len(nxt)
                nxt.append(dict(nxt[q]))
                length.append(length[p] + 1)
                link.append(link[q])
                while p != -1 and nxt[p].get(ch) == q:
                    nxt[p][ch] = clone
                    p = link[p]
                link[q] = clone
                link[cur] = clone
        last = cur
    state, run, best, best_end = 0, 0, 0, 0
    for i, ch in enumerate(a):
        while state and ch not in nxt[state]:
            state = link[state]
            run = length[state]
        if ch in nxt[state]:
            state = nxt[state][ch]
            run += 1
        else:
            run = 0
        if run > best:
            best, best_end = run, i + 1
    return a[best_end - best : best_end]


def comparison_copies(
    path: Path, reports: Path, base: str, also_base: bool
) -> list[tuple[str, str]]:
    """Return the texts to compare a brief with and where each came from (empty when none)."""
    report = reports / f"{path.stem}.txt"
    copies = [(report.read_text(encoding="utf-8"), str(report))] if report.is_file() else []
    if not copies or also_base:
        old = previous_brief(path, base)
        copies += [old] if old else []
    return copies


def previous_brief(path: Path, base: str) -> tuple[str, str] | None:
    """Return the brief as it stood at `base` and its name (None when it did not exist)."""
    try:
        old = subprocess.run(
            ["git", "show", f"{base}:data/raw/articles/{path.name}"],
            capture_output=True,
            check=True,
            cwd=path.parent,
        )
    except subprocess.CalledProcessError:
        return None
    return old.stdout.decode("utf-8"), f"{base}:{path.name}"


def main(argv: list[str] | None = None) -> int:
    """Print each brief's longest run shared with its comparison copy; 1 when any exceeds LIMIT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="briefs (default: every dated brief)")
    parser.add_argument("--reports", type=Path, default=REPORTS_DIR)
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--limit", type=int, default=LIMIT)
    parser.add_argument(
        "--also-base",
        action="store_true",
        help="compare with the pre-rewrite brief too, even where a report copy exists",
    )
    args = parser.parse_args(argv)
    files = args.files or sorted(p for p in ARTICLES.glob("*.txt") if DATED.match(p.name))
    failed = missing = 0
    for path in files:
        copies = comparison_copies(path, args.reports, args.base, args.also_base)
        if not copies:
            missing += 1
            print(f"?    {path.name}: no comparison copy")
            continue
        brief = normalise(body(path.read_text(encoding="utf-8")), "\x00")
        # Different gaps on each side, so a name never joins two runs into one.
        runs = [(longest_shared(brief, normalise(body(c), "\x01")), o) for c, o in copies]
        run, origin = max(runs, key=lambda r: len(r[0]))
        bad = len(run) > args.limit
        failed += bad
        print(f"{'FAIL' if bad else 'ok  '} {len(run):3d} {path.name} [{origin}] {run}")
    print(f"{len(files)} briefs, {failed} over {args.limit} characters, {missing} without a copy")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
