"""Mentions of metrics and rates: the quantities a sentence states and the rates tied to them.

A mention is a quantity with a unit whose context names a vocabulary metric (列 after 开行, 标箱,
吨 of cargo, 亿元 of trade, 家 of firms reached ...), stated as a fact: forecasts, daily rates,
thresholds an exact figure follows, baselines and the first term of a rise are passed over, a
分别 list shares its unit. Each mention then takes the year-on-year rate the grammar ties to it:
the next figure for a rate before it, the last for one after, one each for a list of rates, none
for growth over years, averages, sequential changes or a rate of another base.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from etl.contract.vocabulary import load_metrics
from etl.extraction.bounds import read_bound
from etl.extraction.cues import (
    ABSOLUTE_CHANGE_RE,
    AVERAGE_RATE_RE,
    BASELINE_RE,
    BIG_MULTIPLE_PCT,
    CARGO_CONTEXT_RE,
    CATEGORY_AFTER_RE,
    CATEGORY_BEFORE_RE,
    CATEGORY_FIRST_RE,
    CHANGE_OPENER_RE,
    DATED_PAIR_RE,
    DAYS_CUE_RE,
    EXACT_JOIN_RE,
    FIRM_CUE_RE,
    FIRST_YEAR_BASE_RE,
    FLAT_RE,
    FORECAST_RE,
    FROM_OPENER_RE,
    FROM_TERM_RE,
    LIST_BEFORE_RE,
    MENTION_RE,
    MONEY_CUE_RE,
    MONEY_METRIC,
    ORDINAL_BOX_RE,
    OTHER_BASE_RE,
    PER_TEU_RE,
    PRODUCTION_RE,
    QUANTITIES_RE,
    RANGE_JOIN_RE,
    RATE_NOISE_RE,
    RATE_OF_TIME_RE,
    RATE_RE,
    RATE_SUBJECT_METRIC,
    RATE_SUBJECT_RE,
    RATE_VAL_RE,
    REACH_CONTEXT_RE,
    RELIEF_RE,
    ROUND_NAME_AFTER_RE,
    SAVING_METRICS,
    SAVING_RE,
    SEQUENTIAL_RE,
    SINCE_YEAR_RE,
    SPAN_BEFORE_RE,
    TEU_FIRST_RE,
    THRESHOLD_BEFORE_RE,
    TRAIN_CONTEXT_RE,
    UNIT_METRIC,
    YEAR_SPAN_RE,
    YOY_WORDING_RE,
)
from etl.extraction.numbers import CN_NUMBER, DIGITS, parse_quantity, parse_rate
from etl.extraction.sentences import CLAUSE_DELIM_RE, clause_start


@dataclass(frozen=True)
class Mention:
    """A vocabulary quantity found in a simplified sentence, at [pos, end)."""

    metric: str
    value: float
    pos: int
    end: int
    yoy: float | None = None
    # The year of a comparison's first term (从382万标箱增长到702万标箱 after 2019年至2022年).
    base_year: int | None = None
    # How the number is stated: exactly, or a bound (etl.contract.qualifiers).
    qualifier: str = ""


def _money_metric(s: str, pos: int, last_metric: str | None) -> str | None:
    clause = s[clause_start(s, pos) : pos]
    if PER_TEU_RE.search(clause) and SAVING_RE.search(clause):
        return "cost_saving_per_teu_cny"
    cues = list(MONEY_CUE_RE.finditer(s, 0, pos))
    if not cues:
        return None
    kind = cues[-1].lastgroup or ""
    if kind == "export":
        # A bare 出口额 continues an agricultural-export passage (柑橘是其中…出口额).
        return "agri_export_value_cny" if last_metric == "agri_export_value_cny" else None
    return MONEY_METRIC.get(kind)


def _metric_of(s: str, m: re.Match[str], last_metric: str | None) -> str | None:
    unit, q, pos = m.group("u"), m.group("q"), m.start()
    base = UNIT_METRIC.get(unit)
    if base is None:
        return None
    before = s[:pos]
    clause = s[clause_start(s, pos) : pos]
    after = s[m.end() : m.end() + 12]
    if base == "teu":
        return None if before.endswith("每") else base
    if base == "cargo_tonnes":
        window = max(0, min(pos - 12, clause_start(s, pos)))
        produced = PRODUCTION_RE.search(s, window, pos) is not None
        return base if CARGO_CONTEXT_RE.search(s) and not produced else None
    if base == "vehicles":
        if unit in ("车次", "辆次"):
            return base
        return base if "车" in s and re.match(DIGITS, q) else None
    if base == "train_runs":
        if unit == "列" and re.match(r"[入为出举表明]", after):
            return None
        if unit == "班" and "班车" in clause:
            # 公路班车发运384班: runs of a road service are vehicles, not trains.
            return "vehicles"
        return base if TRAIN_CONTEXT_RE.search(s) else None
    if base == "money":
        return _money_metric(s, pos, last_metric)
    if base == "beneficiary_firms":
        if FIRM_CUE_RE.search(clause) or FIRM_CUE_RE.search(after[:6]):
            return base
        # 为99家企业扣减运费: the firms a relief policy reached.
        return base if after.startswith("企业") and RELIEF_RE.search(s) else None
    if base == "ports_reached":
        return base if m.group("ge") or re.search(r"\d", q) else None
    if base == "countries_reached":
        return base if unit != "国家" or REACH_CONTEXT_RE.search(s) else None
    if base == "cargo_categories":
        if unit in ("品类", "品种"):
            return base
        before_cue = CATEGORY_BEFORE_RE.search(clause) is not None
        if not before_cue and CHANGE_OPENER_RE.match(clause):
            previous = s[clause_start(s, clause_start(s, pos) - 1) : clause_start(s, pos)]
            before_cue = CATEGORY_BEFORE_RE.search(previous) is not None
        return base if before_cue or CATEGORY_AFTER_RE.match(after) else None
    if base == "days_saved":
        return base if DAYS_CUE_RE.search(before) and not before.endswith(("至", "到")) else None
    return None


def _acceptable_quantity(s: str, q: str, pos: int) -> bool:
    if not q:
        return False
    # 数十万标箱, 几千列, 成千上万: an order of magnitude, not a figure (十万 is no count here).
    if q[0] in "十百千万亿" and (
        s[max(0, pos - 1) : pos] in ("数", "几") or s.endswith("成千上", 0, pos)
    ):
        return False
    digits = re.match(DIGITS, q)
    if not digits and not re.match(CN_NUMBER, q):
        # A bare multiplier only counts after a hedge: 超万列, 逾万家.
        return q[0] in "万亿" and pos > 0 and s[pos - 1] in "超逾近上破"
    if not digits:
        cn = re.match(CN_NUMBER, q)
        # A lone 一/两 is an article (一列列班列, 一辆货车), not a count.
        return cn is not None and (len(cn.group()) >= 2 or len(q) > len(cn.group()))
    return True


def _is_from_term(s: str, pos: int, end: int) -> bool:
    opener = list(FROM_OPENER_RE.finditer(s, max(0, pos - 16), pos))
    if not opener or not FROM_TERM_RE.match(s[end : end + 16]):
        return False
    # 从2017年的3382标箱增长到2024年的96万标箱: a dated first term is a figure of its own year.
    return not re.search(r"(?:19|20)\d{2}年", s[opener[-1].end() : pos])


def _is_baseline(clause: str) -> bool:
    marks = list(BASELINE_RE.finditer(clause))
    # 由起初的50多种扩展到1200多种: after 到/至 the clause has moved on to the current level.
    return bool(marks) and not re.search(r"[到至]", clause[marks[-1].end() :])


def find_mentions(s: str, last_metric: str | None = None) -> list[Mention]:
    """Return the vocabulary quantities in a simplified sentence, in order."""
    mentions: list[Mention] = []
    matches: list[tuple[int, int, str, str, re.Match[str] | None]] = []
    for m in MENTION_RE.finditer(s):
        matches.append((m.start(), m.end(), m.group("q"), m.group("u"), m))
    for m in TEU_FIRST_RE.finditer(s):
        matches.append((m.start("q"), m.end(), m.group("q"), "标箱", None))
    for m in ORDINAL_BOX_RE.finditer(s):
        matches.append((m.start("q"), m.end(), m.group("q"), "标箱", None))
    for m in CATEGORY_FIRST_RE.finditer(s):
        matches.append((m.start("q"), m.end(), m.group("q"), "品类", None))
    matches.sort(key=lambda t: t[0])
    for pos, end, q, unit, match in matches:
        if not _acceptable_quantity(s, q, pos) or unit.endswith("美元"):
            continue
        if not _is_statement_of_fact(s, pos, end):
            continue
        if ABSOLUTE_CHANGE_RE.search(s[max(0, pos - 6) : pos]):
            continue
        base_year = None
        if _is_from_term(s, pos, end):
            base_year = _from_year(s, pos)
            if base_year is None:
                continue
        if _is_baseline(s[clause_start(s, pos) : pos]):
            continue
        if mentions and RANGE_JOIN_RE.fullmatch(s[mentions[-1].end : pos]):
            # 600元至800元: a range is reported once, by its first bound.
            continue
        if match is None:
            metric: str | None = UNIT_METRIC[unit]
        else:
            metric = _metric_of(s, match, last_metric)
        if metric is None:
            continue
        try:
            value = parse_quantity(q)
        except ValueError:
            continue
        if value <= 0 or value > load_metrics()[metric].max_value:
            continue
        if base_year is None:
            mentions.extend(_listed_before(s, pos, metric, mentions))
        qualifier = read_bound(s[:pos], q, s[end:])
        mentions.append(Mention(metric, value, pos, end, base_year=base_year, qualifier=qualifier))
        last_metric = metric
    return _drop_thresholds(s, mentions)


def _from_year(s: str, pos: int) -> int | None:
    """Return the first year of the comparison an undated first term belongs to, if stated."""
    found = [
        (m.start(), int(m.group(1)))
        for pattern in (YEAR_SPAN_RE, DATED_PAIR_RE, SINCE_YEAR_RE)
        for m in pattern.finditer(s, 0, pos)
    ]
    return max(found)[1] if found else None


def _listed_before(s: str, pos: int, metric: str, taken: list[Mention]) -> list[Mention]:
    """Return the bare numbers of a 分别 list that share this figure's unit, in order."""
    each = s.rfind("分别", 0, pos)
    if each < 0 or (CLAUSE_DELIM_RE.search(s, each, pos) and not re.search(r"[、和]", s[each:pos])):
        return []
    listed: list[Mention] = []
    stop = pos
    while (m := LIST_BEFORE_RE.search(s, each, stop)) and not any(
        t.pos == m.start() for t in taken
    ):
        try:
            value = parse_quantity(m.group("q"))
        except ValueError:
            break
        if value <= 0 or value > load_metrics()[metric].max_value:
            break
        stop_q = m.start() + len(m.group("q"))
        bound = read_bound(s[: m.start()], m.group("q"), "")
        listed.insert(0, Mention(metric, value, m.start(), stop_q, qualifier=bound))
        stop = m.start()
    return listed


def _is_statement_of_fact(s: str, pos: int, end: int) -> bool:
    """Return False for forecasts, daily rates and round numbers that name an era or a record."""
    statement = s[max(s.rfind("；", 0, pos), s.rfind(";", 0, pos), 0) : pos]
    if FORECAST_RE.search(statement):
        return False
    if RATE_OF_TIME_RE.search(s, clause_start(s, pos), pos):
        return False
    return not ROUND_NAME_AFTER_RE.match(s[end : end + 4])


def _drop_thresholds(s: str, mentions: list[Mention]) -> list[Mention]:
    """Return mentions without a threshold passed (突破100万标箱) that an exact figure follows."""
    out = []
    for m, nxt in zip(mentions, [*mentions[1:], None], strict=False):
        passed = THRESHOLD_BEFORE_RE.search(s[max(0, m.pos - 3) : m.pos])
        exact = nxt and nxt.metric == m.metric and EXACT_JOIN_RE.fullmatch(s[m.end : nxt.pos])
        if passed and exact:
            continue
        out.append(m)
    return out


def _rate_is_substantive(prefix: str) -> bool:
    return len(RATE_NOISE_RE.sub("", prefix)) >= 2


def _named_metric(prefix: str) -> str | None:
    """Return the metric a rate's own words name (货值同比增长 → cargo_value_cny), if any."""
    named = list(RATE_SUBJECT_RE.finditer(prefix))
    return RATE_SUBJECT_METRIC[named[-1].lastgroup or ""] if named else None


@dataclass(frozen=True)
class _Rate:
    """A stated change: where it sits and its value(s) in percent."""

    start: int
    end: int
    values: tuple[float, ...]


def _find_rates(s: str) -> list[_Rate]:
    """Return the year-on-year rates of a sentence, in order (持平 as zero, 环比 left out)."""
    rates: list[_Rate] = []
    for rate in RATE_RE.finditer(s):
        if SEQUENTIAL_RE.search(s, 0, rate.start()):
            continue
        if "百分点" in s[rate.end() : rate.end() + 4]:
            continue
        values = tuple(
            parse_rate(rate.group("verb") + v.group())
            for v in RATE_VAL_RE.finditer(rate.group("vals"))
        )
        rates.append(_Rate(rate.start(), rate.end(), values))
    rates += [_Rate(m.start(), m.end(), (0.0,)) for m in FLAT_RE.finditer(s)]
    return sorted(rates, key=lambda r: r.start)


def _bracketed(s: str, pos: int, rate_start: int) -> bool:
    """Return whether pos lies inside brackets that close before rate_start."""
    opened = max(s.rfind("(", 0, pos), s.rfind("（", 0, pos))
    if opened < 0 or max(s.rfind(")", opened, pos), s.rfind("）", opened, pos)) >= 0:
        return False
    closed = [i for i in (s.find(")", pos), s.find("）", pos)) if i >= 0]
    return bool(closed) and min(closed) < rate_start


def _is_multi_year_multiple(s: str, rate: _Rate) -> bool:
    """Return whether a 倍 rate measures growth across years (从2017年的178列到…增长49倍)."""
    if "倍" not in s[rate.start : rate.end]:
        return False
    statement = s[max(s.rfind("；", 0, rate.start), s.rfind(";", 0, rate.start), 0) : rate.start]
    years = set(re.findall(r"(?:19|20)\d{2}(?=年)", statement))
    if len(years) >= 2 or re.search(r"[从由][^，,。；;]*?(?:19|20)\d{2}年", statement):
        return True
    # 较开通首年增长30倍: measured from the start, not from a year before.
    return FIRST_YEAR_BASE_RE.search(statement) is not None


def _is_implausible_multiple(s: str, rate: _Rate) -> bool:
    """Return whether a rate is a multiple of ten or more with no year-on-year wording."""
    stated = s[max(0, rate.start - 12) : rate.end]
    # 年内突破6000列，增长近33倍: a level 34 times another is a growth over years, unless the
    # words say year-on-year (同比增长8.38倍 stays).
    return max(rate.values, default=0) >= BIG_MULTIPLE_PCT and not YOY_WORDING_RE.search(stated)


def assign_rates(s: str, mentions: list[Mention]) -> list[Mention]:
    """Return mentions with the year-on-year rates the sentence ties to them."""
    out = list(mentions)
    for rate in _find_rates(s):
        prefix = s[clause_start(s, rate.start) : rate.start]
        if SPAN_BEFORE_RE.search(prefix) or AVERAGE_RATE_RE.search(s, rate.start - 2, rate.end):
            continue
        if _is_multi_year_multiple(s, rate) or _is_implausible_multiple(s, rate):
            continue
        values = rate.values
        # 运输11.2万标箱(市内6.4万,市外4.8万),同比增长54%: a bracketed breakdown is passed over.
        before = [
            i
            for i, m in enumerate(out)
            if m.end <= rate.start and not _bracketed(s, m.pos, rate.start)
        ]
        after = [i for i, m in enumerate(out) if m.pos >= rate.end]
        if len(values) > 1:
            targets = before[-len(values) :]
            if len(values) == len(set(out[i].metric for i in before)) and QUANTITIES_RE.search(
                prefix
            ):
                # 两项指标同比分别增长21%和19%: one rate per quantity, each its latest figure.
                last_of = {out[i].metric: i for i in before}
                targets = sorted(last_of.values())
            for i, v in zip(targets, values[-len(targets) :] if targets else [], strict=False):
                if out[i].yoy is None:
                    out[i] = replace(out[i], yoy=v)
            continue
        forward = _rate_is_substantive(prefix)
        named = _named_metric(prefix)
        has_next = bool(after) and out[after[0]].yoy is None
        has_next = has_next and named in (None, out[after[0]].metric)
        has_prev = bool(before) and out[before[-1]].yoy is None
        has_prev = has_prev and named in (None, out[before[-1]].metric)
        crosses = bool(after) and re.search(r"[；;]", s[rate.end : out[after[0]].pos]) is not None
        if forward and has_next and not crosses:
            # 白糖发运量增长44%…；越南货物超3000标箱: a rate never reaches past its statement.
            out[after[0]] = replace(out[after[0]], yoy=values[0])
        elif has_prev and (not forward or not OTHER_BASE_RE.search(prefix)):
            # 货值5.6亿元，货值同比增长50%: a named rate with nothing after it is the last figure's.
            out[before[-1]] = replace(out[before[-1]], yoy=values[0])
        elif has_next and not before and not re.search(r"[；;]", s[rate.end : out[after[0]].pos]):
            # A leading rate is the next figure's, never one past a semicolon's new statement.
            out[after[0]] = replace(out[after[0]], yoy=values[0])
    # 缩短10天，成本降低约30%: a saving's rate says how much was saved, never a yoy.
    return [replace(m, yoy=None) if m.metric in SAVING_METRICS else m for m in out]
