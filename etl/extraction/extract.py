"""Reading vocabulary figures out of Chinese news text about the corridor.

The text is split into sentences; each sentence is read on a simplified-character copy (the
conversion keeps lengths, so offsets line up) and quoted in its original characters. A figure is
a quantity with a unit (列, 标箱, 吨, 亿元, 家, 个港口 ...) whose context names a vocabulary metric;
its period comes from the nearest period wording before it in the sentence, else from the last
sentence that stated one; its yoy is the growth rate the grammar ties to it.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise

from etl.contract.places import UNSPECIFIED, resolve_region, resolve_route, to_simplified
from etl.contract.series import load_scope_words
from etl.contract.vocabulary import load_metrics
from etl.extraction.bounds import read_bound
from etl.extraction.figures import Figure
from etl.extraction.numbers import CN_NUMBER, DIGITS, normalize_digits, parse_quantity, parse_rate
from etl.extraction.periods import PeriodMention, find_periods, month_end

# A closing quote after the full stop belongs to the sentence it closes.
SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]*[”」』\"]?")
CLAUSE_DELIMS = "，,；;：:。！？!?（）()——"
CLAUSE_DELIM_RE = re.compile(r"[，,；;：:。！？!?]|——")

HEDGE = r"(?:余|多)"
QUANT = rf"(?:{DIGITS}|{CN_NUMBER})?{HEDGE}?(?:万亿|亿|万|千)?{HEDGE}?"
UNITS = (
    r"标准集装箱|标准箱|标箱|TEU|teu|车次|辆次|辆|台|列|班(?!车)|趟|亿美元|万美元|美元|元|吨|家|港口|"
    r"国家和地区|国家及地区|国家与地区|国家|品类|品种|种|天"
)
# 10至15天 is read at its first bound; the second is part of the same mention.
MENTION_RE = re.compile(
    rf"(?P<q>{QUANT})(?:(?<=[\d余多万亿千])\s*[至到~～\-—－]\s*{QUANT}(?=\s*(?:个|座)?(?:{UNITS})))?"
    rf"\s*(?P<ge>个|座)?(?P<u>{UNITS})"
)
# 今年第1000万个集装箱: an ordinal container is the running count on that day.
ORDINAL_BOX_RE = re.compile(rf"第(?P<q>{QUANT})个?(?:集装箱|标准箱|标箱)")
# 货物品类增加至640个: the category word before the number.
CATEGORY_FIRST_RE = re.compile(
    rf"品类(?:数量|数)?(?:已)?(?:增加|增长|扩大|拓展|扩展|提升|达到|达)?(?:至|到|为)?(?:约|近|超)?"
    rf"(?P<q>{QUANT})个"
)
# Not figures: forecasts and targets (预计, 有望, 力争, 将突破) to the end of their statement.
FORECAST_RE = re.compile(
    r"预计|预估|预期|有望|可望|力争|争取|计划|目标(?:是|为)|确保|将(?:会)?(?:突破|达到|达|超过|超|实现|完成|增至|保持)"
)
# Daily or weekly rates (日均, 每天, 单日最高) are throughput rates, not period totals.
RATE_OF_TIME_RE = re.compile(r"日均|每天|每日|单日|天均|每周|一周|周均|每月|月均|平均每")
# 迈入"700万标箱时代", 最快突破10万标箱的纪录: a round number naming an era or a record.
ROUND_NAME_AFTER_RE = re.compile(r"^[”\"」]?(?:时代|的?纪录|最快)")
# 突破100万标箱，达100.1万标箱: the threshold is passed; the exact figure follows it.
THRESHOLD_BEFORE_RE = re.compile(r"(?:突破|超过|超|逾|破)$")
EXACT_JOIN_RE = re.compile(r"[，,、]\s*(?:达到|达|为|共|计)")
# A sentence opening with these refers back to the period of the last one.
REFERS_BACK_RE = re.compile(r"^[\s“”\"'「」]*(?:其中|同期|此外|这当中|这其中|与此同时|同时)")
# 仅用131天就突破: the day of the year a milestone was reached.
DAYS_TAKEN_RE = re.compile(r"(?:仅用|用时|仅|只用|用了)(\d{1,3})天(?:就|便|即|时间)?")
# 已通达 / 目前: a state as of now.
STATE_RE = re.compile(r"已|目前|如今|现已")
# The base of a growth multiple that is the start of a service, not last year.
FIRST_YEAR_BASE_RE = re.compile(r"首年|开通之初|开行之初|开通时|起步时|最初|初期|首发时")
# 两项指标 / 二者: a rate list that names its quantities, one each.
QUANTITIES_RE = re.compile(r"[两二三四]项(?:指标|数据)?|二者|两者")
# Ten times (1000%) and more in one year is a multiple over years unless stated year-on-year.
BIG_MULTIPLE_PCT = 1000.0
YOY_WORDING_RE = re.compile(r"同比|(?:比|较)(?:上年|去年|上一年)")
# 年均增速超过140%: an average over years, not a year-on-year rate.
AVERAGE_RATE_RE = re.compile(r"年均|年平均")
# 今年第10218列, 年内突破6000列, 年集装箱吞吐量: a count within the year, not since a service began.
YEAR_SO_FAR_RE = re.compile(
    r"今年|本年|年内|(?<![0-9一二三四五六七八九十])年(?:度)?(?:集装箱|货物)?(?:吞吐|开行|发运|运输|运|发送)量"
)
# 5年来 / 五年来: how many years a running total counts back.
YEARS_COUNT_RE = re.compile(r"(\d{1,2}|[一二两三四五六七八九十])年")
# 今年 / 本年: the report's own year named before a cut-off.
THIS_YEAR_RE = re.compile(r"今年|本年")
# 累计开行量 / 累计运量: the running count itself (a noun), not what accumulated in a period.
RUNNING_COUNT_RE = re.compile(r"累计[\u4e00-\u9fff]{0,3}量")
# 这标志着 / 这是: the sentence tells what the event just told means.
EVENT_BACK_RE = re.compile(
    r"^[\s“”\"「」]*(?:(?:据|该)?报道(?:还|又)?(?:称|说|指出)[,，:：]?)?"
    r"(?:这(?:也)?(?:标志[着著]|意味[着著]|是)|标志[着著]|此举)"
)
# How a figure's period was decided (an extra column off the contract).
STATED, CARRIED, PUBLICATION = "stated", "carried", "publication"

# 标箱N万个: the unit before the number.
TEU_FIRST_RE = re.compile(
    rf"(?:标准箱|标箱)(?:数量|数|量)?(?:为|达到|达|约|近|超)*(?P<q>{QUANT})个"
)

UNIT_METRIC = {
    "标准箱": "teu",
    "标箱": "teu",
    "TEU": "teu",
    "teu": "teu",
    "车次": "vehicles",
    "辆次": "vehicles",
    "品类": "cargo_categories",
    "品种": "cargo_categories",
    "辆": "vehicles",
    "台": "vehicles",
    "列": "train_runs",
    "班": "train_runs",
    "趟": "train_runs",
    "标准集装箱": "teu",
    "吨": "cargo_tonnes",
    "元": "money",
    "家": "beneficiary_firms",
    "港口": "ports_reached",
    "国家和地区": "countries_reached",
    "国家及地区": "countries_reached",
    "国家与地区": "countries_reached",
    "国家": "countries_reached",
    "种": "cargo_categories",
    "天": "days_saved",
}

# A change stated in units, not a level: 同比增加6.2万标箱 is not a TEU figure.
ABSOLUTE_CHANGE_RE = re.compile(r"(?:增加|增长|减少|下降|提高|提升|上升|多|少)了?(?:约|近|超|逾)?$")
# The first term of 从80余种增加至1100余种: only the final level is the figure.
FROM_TERM_RE = re.compile(
    r"^(?:[^，,。；;]{0,12}?)?(?:增加|增长|扩展|扩大|提升|提高|上升|跃升|拓展|发展|增)?(?:到|至)"
)
RANGE_JOIN_RE = re.compile(r"\s*[至到~～\-—－]\s*")
FROM_OPENER_RE = re.compile(r"[从由]")
# Baselines of a comparison (起步时只有50多种) are history, not the figure.
BASELINE_RE = re.compile(r"起步|起初|最初|当初|之初|初期|开通时|首发时")
# 吞吐能力 is a capacity; a port's 货物吞吐量 is cargo it handled, a figure like its TEU.
PRODUCTION_RE = re.compile(r"产量|年产|产能|种植|面积|储量|吞吐能力|装载|载重|可装|运力")
# 进口新能源原料4万吨: tonnes imported or exported are cargo too.
CARGO_CONTEXT_RE = re.compile(r"货|运|载|重|发送|承运|装有|吞吐|进口|出口")
TRAIN_CONTEXT_RE = re.compile(r"开行|发送|开出|发出|班列|列车|开通|发运|运行")
REACH_CONTEXT_RE = re.compile(
    r"通达|可达|到达|辐射|覆盖|联通|连通|延伸|目的地|通往|通抵|抵达|运抵|发往|销往"
)
FIRM_CUE_RE = re.compile(r"惠及|受益|惠企|享受|受惠")
RELIEF_RE = re.compile(r"扣减|减免|退还|返还")
CATEGORY_BEFORE_RE = re.compile(r"品类|货物|货品|商品|品种")
CATEGORY_AFTER_RE = re.compile(r"^(?:的)?(?:商品|货物|货品|品类|农产品|产品)")
# 货物品类也从…几十种，增加至…超1000种: the clause goes on with the last clause's subject.
CHANGE_OPENER_RE = re.compile(
    r"^(?:再|又|并|已|逐步)?(?:增加|增长|扩展|拓展|扩大|发展|提升|增)(?:到|至)"
)
DAYS_CUE_RE = re.compile(
    r"(?:快了|(?<![最尽])快|压缩|节省|节约|缩短|减少|提速|省去|省下)了?(?:[\u4e00-\u9fff]{0,2}(?:时间|时长|天数))?"
    r"(?:最高|最多|最长|平均|近|约)?(?:达|约|近|超|超过)?$"
)
PER_TEU_RE = re.compile(r"(?:每(?:个)?|单)(?:标准箱|标箱|集装箱|箱|TEU)")
SAVING_RE = re.compile(r"节约|节省|降低|减少|省")
MONEY_CUE_RE = re.compile(
    r"(?P<freight>扣减|减免)"
    r"|(?P<agri>农产品[^，,。；;]{0,4}出口(?:货值|总值|额|值)?|出口农产品(?:货值|总值)?|农产品)"
    r"|(?P<trade>进出口(?:货值|总值|额|值)?|贸易|外贸)"
    r"|(?P<cargo>货值|货物[^，,。；;]{0,3}?值|货品[^，,。；;]{0,3}?值)"
    r"|(?P<export>出口)"
    r"|(?P<block>投资|资本|资金|融资|基金|补贴|奖励|营收|收入|产值|税|成本|利润|GDP)"
)
MONEY_METRIC = {
    "freight": "freight_deduction_cny",
    "agri": "agri_export_value_cny",
    "trade": "trade_value_cny",
    "cargo": "cargo_value_cny",
}

RATE_VAL = rf"(?:高达|达到|约为|约|近|超过|超|逾|达)?(?:{DIGITS}|{CN_NUMBER}){HEDGE}?(?:%|倍|成)"
RATE_RE = re.compile(
    r"(?P<verb>(?:同比|(?:比|较)(?:上年|去年)(?:同期)?)?(?:分别|均)?(?:同比)?"
    r"(?:增长|增加|上升|提高|提升|增幅|增速|涨幅|下降|减少|回落|下滑|降幅|降低|下跌|增|降|涨)"
    r"(?:了|为|达到|达)?)"
    rf"(?P<vals>{RATE_VAL}(?:\s*(?:、|,|，|和|及|与)\s*{RATE_VAL})*)"
)
RATE_VAL_RE = re.compile(RATE_VAL)
# 同比持平 / 与上年基本持平: a stated zero change.
FLAT_RE = re.compile(
    r"(?:同比|(?:与|和|比|较)(?:上年|去年|上一年)(?:同期)?(?:相比)?)(?:基本|大体)?持平"
)
# 环比增长4.5%: a change on the previous month or quarter is not year-on-year.
SEQUENTIAL_RE = re.compile(r"(?:环比|(?:比|较|与)上(?:个)?(?:月|季度?|一季度))$")
# 较上半年 / 比去年同期 / 与2017年相比: a comparison base, not the period a figure covers.
BASE_PERIOD_RE = re.compile(r"(?:较|比|与|同)$")
# 2023年和2024年 / 1月、2月: periods listed for a following 分别.
PERIOD_JOIN_RE = re.compile(r"\s*(?:和|与|及|、|以及)\s*")
# 2019年至2022年: a span of years whose first year dates a comparison's first term.
YEAR_SPAN_RE = re.compile(r"((?:19|20)\d{2})年?\s*(?:至|到|—|－|-|~|～)\s*((?:19|20)\d{2})年")
# 从2017年的3000标箱增至2021年的11.2万标箱: a dated pair whose years a parallel pair shares.
DATED_PAIR_RE = re.compile(r"[从由]((?:19|20)\d{2})年[^，,。；;]{0,24}?(?:到|至)((?:19|20)\d{2})年")
SINCE_YEAR_RE = re.compile(r"(?:自|从)((?:19|20)\d{2})年[^，,。；;]{0,20}?以来")
# 分别为25568万、29567万和35822万吨: bare numbers listed before the unit they share.
LIST_BEFORE_RE = re.compile(
    rf"(?P<q>(?:{DIGITS})(?:余|多)?(?:万亿|亿|万|千)?)\s*(?:、|和|及|与)\s*$"
)
# 同期，… refers back to the period of the figures just reported.
SAME_PERIOD_RE = re.compile(r"(?<![年上比较])同期")
# The quantity a rate's clause names: a rate of 货值 is never the yoy of a TEU figure.
RATE_SUBJECT_RE = re.compile(
    r"(?P<cargo>货值|货物(?:的)?总?值)|(?P<trade>进出口|贸易)|(?P<teu>箱量|标箱)"
    r"|(?P<tonnes>总重|货运量|重量|吨)|(?P<runs>开行量|开行|列数)|(?P<vehicles>车次|车辆)"
)
RATE_SUBJECT_METRIC = {
    "cargo": "cargo_value_cny",
    "trade": "trade_value_cny",
    "teu": "teu",
    "tonnes": "cargo_tonnes",
    "runs": "train_runs",
    "vehicles": "vehicles",
}
# 8年增长283倍: growth over a span of years is not a year-on-year rate.
# 同期全国整体增幅为2.8%: a rate of a wider or other base, never the figure's own.
OTHER_BASE_RE = re.compile(r"全国|全省|全市|全区|整体|平均|同期|高出|快于|低于|高于")
SPAN_BEFORE_RE = re.compile(
    r"年均$|年平均$|(?:\d+|[一二两三四五六七八九十]+)(?:个)?年(?:来|间|内)?$|以来$|累计$"
)
RATE_NOISE_RE = re.compile(
    r"同比|(?:与|和|比|较)(?:上年|去年|上一年|前一年)(?:同期)?(?:相比)?|分别|均|其中|而且|而|也|还|并|又|都|"
    r"实现|的|约|[“”\"'「」、\s]"
)
# 开通以来 marks a running total; 创2019年以来新高 is a record, not a period.
# (南宁6月14日电) and 当天 in its sentence: the dateline's day.
DATELINE_RE = re.compile(r"(\d{1,2})月(\d{1,2})日电")
SAME_DAY_RE = re.compile(r"当天|当日")
# 按成渝两地发出的线路计: the way a figure is counted, part of its scope.
COUNTED_BY_RE = re.compile(r"按([^，,。；;：:]{2,20}?)(?:计算|统计|计)[，,]")
# 一次吊装标志着广西北部湾港…: the words before 标志着 tell the event, not whose figure.
EVENT_MARKS_RE = re.compile(r".*(?:标志[着著]|意味[着著])")
# 该集团 / 该公司: a pointer to the organisation just named.
ORG_POINTER_RE = re.compile(r"(?:该|这家)(集团|公司)")
ORG_CITED_RE = re.compile(r"^.*(?:来自|援引|据)")
# 据重庆市口岸物流办消息: a provincial body's own statistics, cited at the sentence's start.
CITED_BODY_RE = re.compile(
    r"^据([\u4e00-\u9fff]{2,16}?(?:办|局|委|委员会|中心|海关))(?:消息|数据|统计|发布)[，,]"
)
# 1月16日发布的数据: the day the figures were released.
RELEASED_RE = re.compile(r"(\d{1,2})月(\d{1,2})[日号](?:发布|公布)的?(?:数据|消息|统计)")
# 第2000列于3月17日…发往: the day right after a running count is the day it was reached.
DAY_AFTER_RE = re.compile(r"[\s,，]*(?:于|在)(?:今年)?(\d{1,2})月(\d{1,2})[日号]")
# 这条班列 / 该班列: a pointer to the subject just named, not only to the corridor's name.
DEMONSTRATIVE_HEAD_RE = re.compile(r"这条|这一|该|此")
CUMULATIVE_RE = re.compile(r"累计|共计|总计|(?<![年月])以来")
SCOPE_CUT_RE = re.compile(
    r"累计|共计|共|已|开行|发送|发车|运输|运送|承运|实现|完成|达到|达|为|贡献|出口|进口|"
    r"进出口|通达|可达|扩展|惠及|扣减|聚集|节约|节省|运量|货值|箱量|贸易|货物|总重|所载|交出|"
    r"同比|增长|的(?:贸易|进出口|货值|总值|运量|箱量|累计)|集装箱|"
    # Verbs and measures that end a subject: 重庆海关落实…, 物流网络覆盖…, 每标箱节约….
    r"就|将|发运|覆盖|辐射|拓展|延伸|吸引|带动|拉动|探索|落实|推出|开展|创新|验放|监管(?=进出)|"
    r"每(?:个)?(?:标准箱|标箱|集装箱|箱)|\d"
)
SCOPE_LEAD_RE = re.compile(
    r"[\s“”\"'「」]*(?:其中|此外|同时|如今|目前|当前|这当中|而|并|也|还|据统计|统计显示|据测算|在|经过|通过|借助|依托|据悉|他说|介绍|显示|当月|单月|同期|开出的|发出的|开行的|让|使)*[\s“”\"'「」]*"
)
NOT_SUBJECT_RE = re.compile(r"规模|对应|由此产生|开出|这是|其中|其|目的地|总量|数据|成绩")
# The speaker of a quote: 重庆海关所属渝州海关副关长…介绍道 → 重庆海关.
ORG_RE = re.compile(
    r"[\u4e00-\u9fff]{2,10}?(?:海关|公司|集团|口岸物流办|物流办|办公室|委员会|商务委|局)"
)
# The contract wants a non-empty scope; this says honestly that the source names no one.
UNNAMED_SCOPE = "（未注明主体）"
SCOPE_AFTER_LEAD_RE = re.compile(r"[\s—\-－–:：,，]+")
SCOPE_AFTER_CUT_RE = re.compile(r"由此|连续|位居|是|成为|已|的|将|在|再|又|也|创")
SCOPE_TRIM = "，,、；;：:的——"
SCOPE_STRIP_RE = re.compile(r"[“”\"'「」『』\s]")
# Names of the corridor and its routes: the context a bare 班列 or 这条通道 stands for.
NAME_RE = re.compile(
    r"(?:西部)?陆海新通道(?:国际)?(?:铁海联运|海铁联运|跨境公路|国际铁路联运)?(?:班列|班车)?"
    r"|中欧班列(?:[(（][^)）]{1,8}[)）])?|中老(?:铁路|班列)|中越(?:跨境)?班列(?:[(（][^)）]{1,12}[)）])?"
    r"|(?:铁海联运|海铁联运)班列|跨境公路班车|澜湄快线"
)
# 这当中，重庆本地企业贡献了…: a part of the figure just reported.
SUBSET_RE = re.compile(r"其中|这当中|这其中")
# 累计开行 / 发运 …: the verb between a subject and the route it runs.
TRANSPORT_VERB_RE = re.compile(
    r"(?:累计|共计|共|已经|已)*(?:开行|发送|发运|发车|开出|运输|运送|承运)"
)
# A subject that is only a head noun (班列集装箱, 这一品牌的班列, 通道) names no one by itself.
GENERIC_RE = re.compile(
    r"(?:这条|这一品牌的|这一|该|此|本|这)?(?P<head>新通道|通道|班列|班车|线路)(?:集装箱|货物|货运|目的地|物流网络|网络)?"
)
# 重庆经这条通道 / 经新通道: a demonstrative or bare 通道 stands for the name in context.
DEMONSTRATIVE_RE = re.compile(r"(?:这条|这一|该|此|(?<=经))(?P<head>新通道|通道|班列|班车|线路)")
# Who can hold a figure besides places and routes: customs, ports, firms, hubs.
ENTITY_RE = re.compile(
    r"海关|港|口岸|公司|集团|园区|物流中心|枢纽|铁路|局|省|自治区|企业|物流办|商务委|跨境货运|西部地区"
)
# A short subject that names no place (柑橘, 与东盟国家之间) qualifies its context's.
QUALIFIER_MAX = 8
SAVING_METRICS = frozenset({"days_saved", "cost_saving_per_teu_cny"})
SNAPSHOT_METRICS = frozenset(k for k, m in load_metrics().items() if m.kind == "snapshot")


@dataclass(frozen=True)
class _Mention:
    metric: str
    value: float
    pos: int
    end: int
    yoy: float | None = None
    # The year of a comparison's first term (从382万标箱增长到702万标箱 after 2019年至2022年).
    base_year: int | None = None
    # How the number is stated: exactly, or a bound (etl.contract.qualifiers).
    qualifier: str = ""


@dataclass(frozen=True)
class _Carry:
    """The period the last period-stating sentence left in force."""

    start: date | None
    end: date
    is_cutoff: bool
    paragraph: int = 0


# Scopes, names and the next sentence are folded again and again: fold each text once.
@lru_cache(maxsize=8192)
def simplify(text: str) -> str:
    """Return text in simplified characters with ASCII digits, same length as the input."""
    converted = to_simplified(text)
    if len(converted) != len(text):
        converted = text
    return normalize_digits(converted)


def split_sentences(body: str) -> list[str]:
    """Return the body's sentences, each with its closing punctuation."""
    return [s.strip() for s in SENTENCE_RE.findall(body) if s.strip()]


def _clause_start(s: str, pos: int) -> int:
    starts = [m.end() for m in CLAUSE_DELIM_RE.finditer(s, 0, pos)]
    return starts[-1] if starts else 0


def _money_metric(s: str, pos: int, last_metric: str | None) -> str | None:
    clause = s[_clause_start(s, pos) : pos]
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
    clause = s[_clause_start(s, pos) : pos]
    after = s[m.end() : m.end() + 12]
    if base == "teu":
        return None if before.endswith("每") else base
    if base == "cargo_tonnes":
        window = max(0, min(pos - 12, _clause_start(s, pos)))
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
            previous = s[_clause_start(s, _clause_start(s, pos) - 1) : _clause_start(s, pos)]
            before_cue = CATEGORY_BEFORE_RE.search(previous) is not None
        return base if before_cue or CATEGORY_AFTER_RE.match(after) else None
    if base == "days_saved":
        return base if DAYS_CUE_RE.search(before) and not before.endswith(("至", "到")) else None
    return None


def _acceptable_quantity(s: str, q: str, pos: int) -> bool:
    if not q:
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


def find_mentions(s: str, last_metric: str | None = None) -> list[_Mention]:
    """Return the vocabulary quantities in a simplified sentence, in order."""
    mentions: list[_Mention] = []
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
        if _is_baseline(s[_clause_start(s, pos) : pos]):
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
        mentions.append(_Mention(metric, value, pos, end, base_year=base_year, qualifier=qualifier))
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


def _listed_before(s: str, pos: int, metric: str, taken: list[_Mention]) -> list[_Mention]:
    """Return the bare numbers of a 分别 list that share this figure's unit, in order."""
    each = s.rfind("分别", 0, pos)
    if each < 0 or (CLAUSE_DELIM_RE.search(s, each, pos) and not re.search(r"[、和]", s[each:pos])):
        return []
    listed: list[_Mention] = []
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
        listed.insert(0, _Mention(metric, value, m.start(), stop_q, qualifier=bound))
        stop = m.start()
    return listed


def _is_statement_of_fact(s: str, pos: int, end: int) -> bool:
    """Return False for forecasts, daily rates and round numbers that name an era or a record."""
    statement = s[max(s.rfind("；", 0, pos), s.rfind(";", 0, pos), 0) : pos]
    if FORECAST_RE.search(statement):
        return False
    if RATE_OF_TIME_RE.search(s, _clause_start(s, pos), pos):
        return False
    return not ROUND_NAME_AFTER_RE.match(s[end : end + 4])


def _drop_thresholds(s: str, mentions: list[_Mention]) -> list[_Mention]:
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


def assign_rates(s: str, mentions: list[_Mention]) -> list[_Mention]:
    """Return mentions with the year-on-year rates the sentence ties to them."""
    out = list(mentions)
    for rate in _find_rates(s):
        prefix = s[_clause_start(s, rate.start) : rate.start]
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


def _period_for(
    metric: str,
    pos: int,
    s: str,
    mentions: list[PeriodMention],
    carry: _Carry | None,
    published: date,
    figures: tuple[int, ...] = (),
) -> tuple[date | None, date, str]:
    """Return a figure's period and how it was decided: stated, carried or publication."""
    prior = [m for m in mentions if m.pos < pos]
    if metric in SNAPSHOT_METRICS:
        return _snapshot_period(metric, pos, s, prior, mentions, carry, published, figures)
    current = prior[-1] if prior else None
    if current is None:
        if carry and (REFERS_BACK_RE.match(s) or not CUMULATIVE_RE.search(s)):
            return carry.start, carry.end, CARRIED
        if carry and carry.is_cutoff and not mentions:
            return carry.start, carry.end, CARRIED
        if not mentions:
            return None, published, PUBLICATION
        # Only a sentence's own later wording dates a figure that nothing before dates.
        current = mentions[0]
    if current.kind == "cutoff":
        starts = [m for m in prior if m.kind in {"since", "month"} and m.pos < current.pos]
        if starts:
            return starts[-1].start, current.end, STATED
        # 截至7月20日 with no 累计 and no year is this year's running total.
        if not current.explicit_year and not CUMULATIVE_RE.search(s):
            return date(current.end.year, 1, 1), current.end, STATED
        return None, current.end, STATED
    if current.kind == "ytd" and current.start is not None:
        # 截至9月底，今年…: the year so far, up to the cut-off stated before it.
        year = current.start.year
        cutoffs = [m for m in prior if m.kind == "cutoff" and m.end.year == year]
        if cutoffs:
            return current.start, cutoffs[-1].end, STATED
    if current.kind in {"since", "yearsago"}:
        # 截至3月底，…自2017年开行以来累计…: the sentence's cut-off ends the running total.
        cutoffs = [m for m in mentions if m.kind == "cutoff"]
        return current.start, cutoffs[-1].end if cutoffs else published, STATED
    if current.kind == "year" and current.start == date(published.year, 1, 1):
        # 2024年…完成5000列 in a 2024 report: the year so far, not a year not yet over.
        return current.start, min(current.end, published), STATED
    return current.start, current.end, STATED


def _narrative_day(
    s: str,
    pos: int,
    periods: list[PeriodMention],
    carry: _Carry | None,
    carry_year: int | None = None,
) -> date | None:
    """Return the day a figure's event happened: the date governing it, or the last sentence's."""
    told = DATELINE_RE.search(s, 0, pos)
    if told and SAME_DAY_RE.search(s, told.end(), pos) and carry_year is not None:
        # (南宁6月14日电):当天上午…至此今年…已完成5000列: 当天 is the dateline's day.
        return date(carry_year, int(told.group(1)), int(told.group(2)))
    for p in reversed([p for p in periods if p.pos < pos]):
        # 12月30日，…；2025年…: a year or 今年 frames the count; the date before it is its day.
        if p.kind == "date":
            return p.end
        if p.kind not in {"year", "ytd"}:
            return None
    dated = any(p.kind in {"date", "cutoff", "sincecut"} for p in periods)
    if carry is not None and carry.start is None and not dated and EVENT_BACK_RE.match(s):
        # 6月14日…发出。这标志着2024年…完成5000列: the milestone is the day just told.
        return carry.end
    return None


def _as_stated(
    s: str,
    m: _Mention,
    periods: list[PeriodMention],
    start: date | None,
    end: date,
    carry: _Carry | None,
    published: date,
) -> tuple[date | None, date]:
    """Return a flow figure's period of the kind its words state (year so far, since, span)."""
    pos = m.pos
    clause = _clause_start(s, pos)
    prior = [p for p in periods if p.pos < pos]
    current = prior[-1] if prior else None
    span = list(YEAR_SPAN_RE.finditer(s, 0, pos))
    if span and CUMULATIVE_RE.search(s, span[-1].end(), pos) and current and current.kind == "year":
        # 2017年至2021年累计减免运费近4.5亿元: the whole span of years.
        return date(int(span[-1].group(1)), 1, 1), date(int(span[-1].group(2)), 12, 31)
    if current is not None and current.kind == "cutoff" and start is None:
        # 从2017年4月28日测试开行…，到2021年4月28日累计完成1万列: the count from that day.
        # 2017年4月28日，…测试开行，…，到2021年4月28日累计完成1万列: a sentence opening on a day.
        opened = [
            p
            for p in prior
            if p.kind in {"date", "month"} and (p.pos == 0 or s[p.pos - 1] in "从自")
        ]
        if opened and opened[-1].end < current.end and CUMULATIVE_RE.search(s, current.pos, pos):
            first = opened[-1].end
            return date(first.year, first.month, 1), end
    if current is not None and current.kind == "yearsago" and start is None and carry is not None:
        # 2019年8月，总体规划颁布实施。5年来，…累计…: the years counted from the month just told.
        years = YEARS_COUNT_RE.search(s, current.pos, current.end_pos)
        n = _small_number(years.group(1)) if years else None
        told = carry.start
        month = told is not None and carry.end == month_end(told.year, told.month)
        if n and told is not None and month and told.year == published.year - n:
            return told, end
    within_year = YEAR_SO_FAR_RE.search(s, clause, pos) is not None
    this_year = current is not None and current.kind == "cutoff" and start is None
    this_year = this_year and THIS_YEAR_RE.search(s, 0, pos) is not None
    if this_year and current is not None and current.end.year == published.year:
        # 今年截至3月31日 / 截至今年4月底…同比增长46%: this year's running total. A 累计 alone
        # may be a total since a service began; with a year-on-year rate it is this year's.
        accumulated = CUMULATIVE_RE.search(s, clause, pos) is not None
        if m.yoy is not None or not accumulated:
            return date(current.end.year, 1, 1), current.end
    day = _narrative_day(s, pos, periods, carry, start.year if start is not None else None)
    named = day is not None and _year_named_before(s, clause, pos, day.year)
    if start is None and day is not None and (within_year or named):
        # 当天…今年第10218列 / 12月31日…年集装箱吞吐量突破600万标箱: the year so far to that day.
        return date(day.year, 1, 1), day
    back = carry if carry is not None and carry.start and REFERS_BACK_RE.match(s) else None
    if start is None and day is not None and back and back.start and back.start <= day <= back.end:
        # 今年1月…。其中，1月29日突破10万标箱: the running total of the period in force.
        return back.start, day
    year_so_far = start is not None and start == date(start.year, 1, 1) and end == published
    if year_so_far and start and day and start.year == day.year and day < end:
        # 今年 / 2025年 in a report of that year: the year so far, to the day the report tells of.
        return start, day
    topic = current is not None and current.kind in {"year", "ytd"} and current.end_pos <= clause
    running = RUNNING_COUNT_RE.search(s, clause, pos) is not None
    if topic and start is not None and running and not within_year:
        # 2022年，…，班列累计开行量突破2万列: the level of a running count since the service
        # began, reached in that year; not the year's own count (2022年，…累计开行3100多列 is).
        return None, min(end, published)
    return start, end


def _small_number(text: str) -> int | None:
    """Return a count of years written in digits or one Chinese numeral (5, 五)."""
    if text.isdigit():
        return int(text)
    return "一二三四五六七八九十".find(text) + 1 or None


def _year_named_before(s: str, clause: int, pos: int, year: int) -> bool:
    """Return whether the figure's own clause names the day's year (2025年…累计开行超万列)."""
    # 2021年4月28日累计达到1万列: a year inside the day's own date (FULL_DATE_RE) names no
    # year so far.
    return f"{year}年" in FULL_DATE_RE.sub("", s[clause:pos])


def _is_first_term_time(s: str, m: PeriodMention, pos: int) -> bool:
    """Return whether a time dates only the first term of 由2022年…增加到… before pos."""
    return (
        m.pos > 0
        and s[m.pos - 1] in "由从"
        and re.search(r"[到至]", s[m.end_pos : pos]) is not None
    )


def stated_day(found: re.Match[str], published: date) -> date | None:
    """Return the day a month–day match names, in the publication's year (or the year before)."""
    month, day = int(found.group(1)), int(found.group(2))
    year = (
        published.year if (month, day) <= (published.month, published.day) else published.year - 1
    )
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _snapshot_period(
    metric: str,
    pos: int,
    s: str,
    prior: list[PeriodMention],
    mentions: list[PeriodMention],
    carry: _Carry | None,
    published: date,
    figures: tuple[int, ...],
) -> tuple[date | None, date, str]:
    """Return a snapshot's date: its sentence's governing time, a carried cut-off or publication."""
    # The nearest time with no figure between governs; a topic time (2025年，…) governs its whole
    # statement up to a semicolon, unless a state verb (已通达) says the snapshot is as of now.
    stative = STATE_RE.search(s, _clause_start(s, pos), pos) is not None
    statement = max(s.rfind("；", 0, pos), s.rfind(";", 0, pos))
    governing: list[PeriodMention] = []
    for m in reversed(prior):
        if m.kind in {"since", "ytd", "sincecut", "yearsago"} or metric in SAVING_METRICS:
            continue
        if _is_first_term_time(s, m, pos):
            continue
        if not any(m.end_pos <= f < pos for f in figures):
            governing = [m]
            break
        topic = s[m.end_pos : m.end_pos + 1] in "，," and m.pos > statement
        if topic and not stative:
            governing = [m]
            break
    cutoffs = [m for m in prior if m.kind == "cutoff"]
    stated = max(governing[-1:] + cutoffs[-1:], key=lambda m: m.pos, default=None)
    released = RELEASED_RE.search(s, 0, pos)
    day = stated_day(released, published) if released else None
    if day is not None and (stated is None or stated.kind == "now"):
        # 口岸物流办1月16日发布的数据:…目前可达…: as of the day the data were released.
        return None, day, STATED
    if stated is not None:
        return None, stated.end, STATED
    # A cut-off carries to a later snapshot unless its state verb (已通达) says: as of now.
    carried_cutoff = carry is not None and carry.is_cutoff and not stative
    if carry and not mentions and (carried_cutoff or REFERS_BACK_RE.match(s)):
        return None, carry.end, CARRIED
    return None, published, PUBLICATION


def _own_periods(s: str, published: date) -> list[PeriodMention]:
    """Return the sentence's period wordings, without comparison bases (较上半年, 比去年同期)."""
    return [
        p
        for p in find_periods(s, published)
        if not BASE_PERIOD_RE.search(s, max(0, p.pos - 1), p.pos)
    ]


def _narrative(s: str, periods: list[PeriodMention], carry: _Carry | None) -> list[PeriodMention]:
    """Return periods with 当年 / 当天 read as the narrative time, not the publication year."""
    out: list[PeriodMention] = []
    for p in periods:
        word = s[p.pos : p.end_pos]
        if p.kind == "sameday":
            day = next((q for q in reversed(out) if q.kind == "date"), None)
            if day is not None:
                p = replace(p, kind="date", end=day.end)
            elif carry is not None and carry.start is None:
                p = replace(p, kind="date", end=carry.end)
            else:
                p = replace(p, kind="date")
        if word.startswith("当年") and p.kind in {"year", "ytd", "fullyear"}:
            anchor = next((q for q in reversed(out) if q.explicit_year), None)
            year = anchor.end.year if anchor else carry.end.year if carry else None
            if year is not None:
                p = replace(p, kind="year", start=date(year, 1, 1), end=date(year, 12, 31))
        out.append(p)
    return out


def _respective_periods(
    s: str, periods: list[PeriodMention], mentions: list[_Mention]
) -> dict[int, PeriodMention]:
    """Return each figure's own period when 2023年和2024年…分别 pairs periods with figures."""
    eaches = [m.start() for m in re.finditer("分别", s)]
    if not eaches:
        return {}
    run: list[PeriodMention] = []
    for p in (p for p in periods if p.end_pos <= eaches[0]):
        if run and not PERIOD_JOIN_RE.fullmatch(s[run[-1].end_pos : p.pos]):
            run = []
        run.append(p)
    span = list(YEAR_SPAN_RE.finditer(s, 0, eaches[0]))
    if span and len(run) < 2:
        # 2019年至2021年，…分别为A、B和C: one figure per year of the span.
        first, last = int(span[-1].group(1)), int(span[-1].group(2))
        run = (
            [
                PeriodMention(
                    span[-1].start(), span[-1].end(), "year", date(y, 1, 1), date(y, 12, 31), True
                )
                for y in range(first, last + 1)
            ]
            if 0 < last - first < 12
            else []
        )
    if len(run) < 2:
        return {}
    out: dict[int, PeriodMention] = {}
    for each, stop in zip(eaches, [*eaches[1:], len(s)], strict=True):
        group = [m.pos for m in mentions if each < m.pos < stop]
        if len(group) == len(run):
            out.update(zip(group, run, strict=True))
    return out


def _same_period(s: str, pos: int, periods: list[PeriodMention]) -> bool:
    """Return whether a figure is dated by a 同期 that refers back to earlier figures."""
    same = [m.end() for m in SAME_PERIOD_RE.finditer(s, 0, pos)]
    return bool(same) and not any(same[-1] <= p.pos < pos for p in periods)


def _carry_after(
    s: str, mentions: list[PeriodMention], carry: _Carry | None, pub: date, paragraph: int
) -> _Carry | None:
    if not mentions:
        return carry
    start, end, _ = _period_for("train_runs", len(s), s, mentions, carry, pub)
    return _Carry(start, end, mentions[-1].kind == "cutoff", paragraph)


def _scope_pieces(original: str, s: str, pos: int, mentions: list[PeriodMention]) -> list[str]:
    """Return the subject words of each clause before a figure, nearest first, as written."""
    masked = list(s[:pos])
    for m in mentions:
        for i in range(m.pos, min(m.end_pos, pos)):
            masked[i] = "，"
    text = "".join(masked)
    bounds = [0] + [m.end() for m in CLAUSE_DELIM_RE.finditer(text)] + [pos]
    pieces: list[str] = []
    for start, stop in reversed(list(pairwise(bounds))):
        lead = SCOPE_LEAD_RE.match(text, start, stop)
        begin = lead.end() if lead else start
        cut = SCOPE_CUT_RE.search(text, begin, stop)
        end = cut.start() if cut else stop
        while end > begin and text[end - 1] in SCOPE_TRIM:
            end -= 1
        # 钦州港区的一次吊装标志着广西北部湾港…: the subject is what the event marks.
        marked = EVENT_MARKS_RE.search(text, begin, end)
        begin = marked.end() if marked else begin
        piece = SCOPE_STRIP_RE.sub("", original[begin:end])
        # 陆港累计开行西部陆海新通道班列126列: the route after the verb is part of whose figure.
        route = NAME_RE.search(text, end, stop)
        moved = route and TRANSPORT_VERB_RE.match(text, end, route.start())
        if route and moved and route.group() not in text[begin:end]:
            piece += SCOPE_STRIP_RE.sub("", original[route.start() : route.end()])
        if len(piece) >= 2 and not NOT_SUBJECT_RE.fullmatch(text[begin:end]):
            pieces.append(piece)
    return pieces


def _names_someone(piece: str) -> bool:
    """Return whether a subject names a place, a route or an organisation."""
    folded = simplify(piece)
    if GENERIC_RE.fullmatch(folded):
        return False
    known = resolve_region(folded) != UNSPECIFIED or resolve_route(folded) != ""
    return known or ENTITY_RE.search(folded) is not None


def _name_upto(name: str, head: str) -> str:
    """Return the context name cut after a head word (…铁海联运班列, 通道 → 西部陆海新通道)."""
    folded = simplify(name)
    at = folded.find(head)
    if at < 0:
        # 班列集装箱 in a passage on 西部陆海新通道铁海联运: the name's trains.
        return name + head if head in ("班列", "班车") and folded.endswith("联运") else name
    stop = at + len(head)
    bracket = re.match(r"[(（][^)）]*[)）]", folded[stop:])
    return name[: stop + (bracket.end() if bracket else 0)]


@dataclass
class _Context:
    """What an article has named so far: the corridor or route, and the paragraph's subject."""

    name: str = ""
    subject: str = ""
    paragraph: int = -1
    # The last organisation named (数据来自北部湾港集团): what a later 该集团 stands for.
    org: str = ""


def _expand(piece: str, ctx: _Context, previous: str) -> str:
    """Return a subject with demonstratives and shortened names filled in from context."""
    folded = simplify(piece)
    if ctx.name:
        demo = DEMONSTRATIVE_RE.search(folded)
        if demo:
            filled = _name_upto(ctx.name, demo.group("head"))
            return piece[: demo.start()] + filled + piece[demo.end() :]
        name = simplify(ctx.name)
        for k in range(len(folded), 1, -1):
            if name.endswith(folded[:k]) and name != folded:
                # 铁海联运班列 after 西部陆海新通道铁海联运(班列): the full name.
                return ctx.name + piece[k:]
    at = simplify(previous).find("经")
    if folded.startswith("经") and at > 0:
        # 重庆企业经国际铁路联运…；经东盟公路班车…: the same subject by another route.
        return previous[:at] + piece
    return piece


def _choose_scope(pieces: list[str], ctx: _Context, previous: str, after: str) -> tuple[str, bool]:
    """Return the figure's subject and whether its own sentence named it (else: context)."""
    for piece in pieces:
        generic = GENERIC_RE.fullmatch(simplify(piece))
        head = generic.group("head") if generic else ""
        pointed = generic and DEMONSTRATIVE_HEAD_RE.match(simplify(piece))
        org_head = ORG_POINTER_RE.fullmatch(simplify(piece))
        if org_head and ctx.org and simplify(ctx.org).endswith(org_head.group(1)):
            # 数据来自北部湾港集团。该集团2022年的集装箱吞吐量…: the group just named.
            return ctx.org, True
        if pointed and ctx.subject and simplify(ctx.subject).endswith(head):
            # 云南西部陆海新通道班列…；这条班列自2018年5月开行以来: the subject just named.
            return ctx.subject, True
        if generic and ctx.name:
            return _name_upto(ctx.name, head), True
        if _names_someone(piece):
            return _expand(piece, ctx, previous), True
    if after and _names_someone(after):
        return after, True
    base = ctx.subject or ctx.name
    if not base:
        return (pieces[0] if pieces else UNNAMED_SCOPE), False
    nearest = pieces[0] if pieces else ""
    if nearest and len(nearest) <= QUALIFIER_MAX:
        return f"{base}({nearest})", False
    return base, False


def _is_place(piece: str) -> bool:
    """Return whether a subject is a place alone (酒泉, 重庆): a region or a narrower place."""
    folded = simplify(piece)
    places = load_scope_words().narrower
    return resolve_region(folded) != UNSPECIFIED or places.get(folded) == "place"


def _without_cumulative(scope: str) -> str:
    return re.sub(r"[(（](?:累计|累計)[)）]$", "", scope)


def _part_word(pieces: list[str]) -> str:
    """Return the few words naming a part right before a figure (市内, 跨境货物), else ''."""
    nearest = pieces[0] if pieces else ""
    folded = simplify(nearest)
    if not nearest or len(nearest) > QUALIFIER_MAX or GENERIC_RE.fullmatch(folded):
        return ""
    return "" if _names_someone(nearest) else nearest


def _subset_of(whole: str, part: str) -> str:
    """Return a 其中 part's scope: it keeps the route of the whole it is part of."""
    whole = re.sub(r"[(（](?:累计|累計)[)）]$", "", whole)
    if resolve_route(simplify(part)) or not resolve_route(simplify(whole)) or whole in part:
        return part
    return whole + part


def _update_name(ctx: _Context, text: str) -> None:
    """Remember the last corridor or route name, unless it only shortens the one in force."""
    names = list(NAME_RE.finditer(simplify(text)))
    if not names:
        return
    found = text[names[-1].start() : names[-1].end()]
    if simplify(found) not in simplify(ctx.name):
        ctx.name = found


def _speaker(following: str) -> str:
    """Return the organisation that speaks a quote, named in the sentence after it."""
    found = ORG_RE.search(simplify(following)[:40])
    return following[found.start() : found.end()] if found else ""


def _resolve_we(scope: str, speaker: str) -> str:
    """Return the scope with a quoted 我们 replaced by the speaking organisation, if known."""
    for we in ("我们", "我們"):
        if scope.startswith(we) and speaker:
            return speaker + scope[len(we) :]
    return scope


def _scope_after(original: str, s: str, end: int) -> str:
    """Return the subject named right after a figure (2025年开行超5000列——中欧班列(成渝)由此…)."""
    lead = SCOPE_AFTER_LEAD_RE.match(s, end)
    begin = lead.end() if lead else end
    stop = CLAUSE_DELIM_RE.search(s, begin)
    limit = stop.start() if stop else len(s)
    cut = SCOPE_AFTER_CUT_RE.search(s, begin, limit)
    piece = SCOPE_STRIP_RE.sub("", original[begin : cut.start() if cut else limit])
    return piece if 2 <= len(piece) <= 40 else ""


def extract_figures(body: str, published: date) -> list[Figure]:
    """Return the vocabulary figures stated in an article body published on the given date."""
    figures: list[Figure] = []
    carry: _Carry | None = None
    last_metric: str | None = None
    last_scope = ""
    ctx = _Context()
    # The period a later 同期 refers to: the first flow figure's of the last sentence that had one
    # (一季度…；3月单月….同期，… is the quarter, the sentence's topic, not the month inside it).
    last_flow: tuple[date | None, date] | None = None
    flow_sentence = -1
    seen: dict[tuple[str, float, int, int], int] = {}
    numbered = [(n, s) for n, line in enumerate(body.splitlines()) for s in split_sentences(line)]
    sentences = [s for _, s in numbered]
    for index, (paragraph, sentence) in enumerate(numbered):
        s = simplify(sentence)
        speaker = _speaker(sentences[index + 1] if index + 1 < len(sentences) else "")
        periods = _narrative(s, _own_periods(s, published), carry)
        mentions = assign_rates(s, find_mentions(s, last_metric))
        since = 0
        # The whole a 其中 list breaks down (其中市内6.4万标箱,市外4.8万标箱): its parts keep it.
        whole, whole_metric = "", ""
        stated_flow: tuple[date | None, date] | None = None
        respective = _respective_periods(s, periods, mentions)
        # Only a flow figure stands between a time and a snapshot (96个国家的264个港口 is one pair).
        positions = tuple(m.pos for m in mentions if m.metric not in SNAPSHOT_METRICS)
        for m in mentions:
            # A cut-off dates later snapshots only within its own paragraph.
            own = carry if carry and carry.paragraph == paragraph else None
            in_force = own if m.metric in SNAPSHOT_METRICS else carry
            start, end, how = _period_for(
                m.metric, m.pos, s, periods, in_force, published, positions
            )
            if last_flow and m.metric not in SNAPSHOT_METRICS and _same_period(s, m.pos, periods):
                (start, end), how = last_flow, CARRIED
            if m.pos in respective:
                start, end, how = respective[m.pos].start, respective[m.pos].end, STATED
            if m.base_year is not None:
                start, end, how = date(m.base_year, 1, 1), date(m.base_year, 12, 31), STATED
                if m.metric in SNAPSHOT_METRICS:
                    start = None
            days = DAYS_TAKEN_RE.search(s, _clause_start(s, m.pos), m.pos)
            if days and start is not None and start.month == start.day == 1 and how == STATED:
                # 今年以来仅131天就突破30万标箱: the milestone fell on the year's 131st day.
                reached = start + timedelta(days=int(days.group(1)) - 1)
                end = min(end, reached)
            if m.metric not in SNAPSHOT_METRICS and m.base_year is None and m.pos not in respective:
                start, end = _as_stated(s, m, periods, start, end, carry, published)
            on_day = DAY_AFTER_RE.match(s, m.end)
            if on_day and start is not None and start == date(end.year, 1, 1):
                # 第2000列于3月17日发往四川: the running count reached on the day it names.
                day = date(end.year, int(on_day.group(1)), int(on_day.group(2)))
                end = day if start <= day <= end else end
            if ctx.paragraph != paragraph:
                ctx.subject, ctx.paragraph = "", paragraph
            pieces = [_resolve_we(p, speaker) for p in _scope_pieces(sentence, s, m.pos, periods)]
            after = _scope_after(sentence, s, m.end)
            scope, named = _choose_scope(pieces, ctx, last_scope, after)
            if SUBSET_RE.search(s, since, m.pos) and last_scope and last_metric:
                whole, whole_metric = last_scope, last_metric
            cited = CITED_BODY_RE.search(s, 0, m.pos)
            # 沿线省区市 counted by 重庆海关: every province's, not the citing body's own.
            if cited and named and m.metric not in SNAPSHOT_METRICS and "沿线" not in scope:
                body = sentence[cited.start(1) : cited.end(1)]
                # 据重庆市口岸物流办消息,…西部陆海新通道…共运送3.76万标箱: the body's own count.
                if resolve_region(simplify(scope)) in (UNSPECIFIED, "corridor") and resolve_region(
                    simplify(body)
                ) not in (UNSPECIFIED, "corridor"):
                    scope = f"{scope}({body})"
            counted = COUNTED_BY_RE.search(s, 0, m.pos)
            if counted and named and counted.group(1) not in simplify(scope):
                # 按成渝两地发出的线路计,西部陆海新通道的物流网络…: counted that narrower way.
                scope = f"{scope}({sentence[counted.start(1) : counted.end(1)]})"
            part = _part_word(pieces)
            if whole and part and m.metric == whole_metric:
                # 其中跨境货物1600万吨: a part named by a few words, not by a place or body.
                scope = f"{_without_cumulative(whole)}(其中{part})"
            elif named and SUBSET_RE.search(s, since, m.pos):
                scope = _subset_of(last_scope, scope)
            last_scope = scope
            if named:
                ctx.subject = scope
                _update_name(ctx, scope)
            elif pieces and _is_place(pieces[0]):
                # 2025年,酒泉共发出铁海联运班列6列,…10多个国家: the place stays the subject.
                ctx.subject = scope
            # Totals since a start years back, or with no start, are cumulative (truth's style).
            long_run = start is None or (end - start).days > 366
            if long_run and CUMULATIVE_RE.search(s) and m.metric not in SNAPSHOT_METRICS:
                scope = f"{scope}({'累計' if '累計' in sentence else '累计'})"
            key = (m.metric, m.value, end.year, end.month)
            if seen.get(key, index) != index:
                # The same figure for the same period restated later in the article: report once
                # (two equal figures in one sentence are two subjects' and both stand).
                continue
            seen[key] = index
            figures.append(
                Figure(m.metric, m.value, start, end, scope, m.yoy, sentence, how, m.qualifier)
            )
            if m.metric not in SNAPSHOT_METRICS and how == STATED:
                stated_flow = (start, end)
            if m.metric not in SNAPSHOT_METRICS and flow_sentence != index:
                last_flow, flow_sentence = (start, end), index
            last_metric = m.metric
            since = m.end
        carry = _carry_after(s, periods, carry, published, paragraph)
        if carry and carry.start is None and stated_flow and stated_flow[1] == carry.end:
            # 今年截至3月31日…。其中，…651列: a 其中 after it shares the year-to-date period.
            carry = replace(carry, start=stated_flow[0])
        _update_name(ctx, sentence)
        orgs = list(ORG_RE.finditer(s))
        if orgs:
            # 数据来自北部湾港集团: the organisation, not the words that cite it.
            ctx.org = ORG_CITED_RE.sub("", sentence[orgs[-1].start() : orgs[-1].end()])
    return figures


EXPLICIT_YEAR_RE = re.compile(r"(?:19|20)\d{2}(?=年)")
FULL_DATE_RE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})[日号]")
THIS_YEAR_DATE_RE = re.compile(r"今年(\d{1,2})月(?:(\d{1,2})[日号]|(底|末))?")
YEARS_SINCE_RE = re.compile(r"(一|两|二|三|\d)年来")
YEARS_SINCE_N = {"一": 1, "两": 2, "二": 2, "三": 3}
# Periods whose end is the publication date itself say nothing about it.
OPEN_ENDED_KINDS = frozenset({"since", "ytd"})


def _reported_after(s: str, provisional: date) -> list[date]:
    """Return the day after each explicitly dated period: reports follow the periods they cover."""
    mentions = [
        m
        for m in find_periods(s, provisional)
        if m.explicit_year and m.kind not in OPEN_ENDED_KINDS
    ]
    # 2023年开局…截至2023年1月31日: a year with dated months is not a whole-year total.
    months_of = {m.end.year for m in mentions if m.kind != "year"}
    return [
        m.end + timedelta(days=1)
        for m in mentions
        if m.kind != "year" or m.end.year not in months_of
    ]


def infer_published(body: str) -> date | None:
    """Return a best guess at an undated article's publication date, or None if it names no year.

    Reports follow what they report: the guess is the day after the latest explicitly dated
    period (2023年共开行 → 2024-01-01; 2022年一季度 → 2022-04-01), or the latest full date
    mentioned. An anniversary piece (a full date, then 一年来 / N年来) is dated that date N
    years on. Dates written 今年M月D日 are then read in the guessed year and can move it later.
    """
    s = simplify(body)
    years = [int(y) for y in EXPLICIT_YEAR_RE.findall(s)]
    if not years:
        return None
    candidates = _reported_after(s, date(max(years), 12, 31))
    for m in FULL_DATE_RE.finditer(s):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        candidates.append(day)
        since = YEARS_SINCE_RE.search(s, m.end())
        if since:
            n = YEARS_SINCE_N.get(since.group(1)) or int(since.group(1))
            with contextlib.suppress(ValueError):
                candidates.append(day.replace(year=day.year + n))
    if not candidates:
        candidates = [date(max(years), 1, 1)]
    latest = max(candidates)
    for m in THIS_YEAR_DATE_RE.finditer(s):
        month = int(m.group(1))
        with contextlib.suppress(ValueError):
            stated = date(latest.year, month, int(m.group(2))) if m.group(2) else None
            latest = max(latest, stated or month_end(latest.year, month))
    return latest
