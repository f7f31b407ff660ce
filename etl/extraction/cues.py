"""The wording cues extraction reads, each with the reason it means what it does.

A cue is a pattern over the simplified text: the units that make a quantity a figure and the
context words that tie it to a vocabulary metric (MENTION_RE, UNIT_METRIC, MONEY_CUE_RE); what
makes it not a figure (forecasts, daily rates, thresholds, baselines); the growth-rate grammar
(RATE_RE, SPAN_BEFORE_RE, OTHER_BASE_RE); the time words that date it beyond the period wording
of periods.py (REFERS_BACK_RE, DAYS_TAKEN_RE, CUMULATIVE_RE); and the subject grammar scope naming
reads (SCOPE_CUT_RE, NAME_RE, GENERIC_RE). The comment above each cue gives a sentence it is for.
The rules that apply them live in mentions.py, period_assignment.py and scopes.py.
"""

from __future__ import annotations

import re

from etl.contract.vocabulary import load_metrics
from etl.extraction.numbers import CN_NUMBER, DIGITS

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
# 2021年4月28日: a full date (a year inside it names no year so far; an undated article's latest).
FULL_DATE_RE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})[日号]")
# What dates an undated article (articles.infer_published): a year, 今年M月D日, 一年来 after a date.
EXPLICIT_YEAR_RE = re.compile(r"(?:19|20)\d{2}(?=年)")
THIS_YEAR_DATE_RE = re.compile(r"今年(\d{1,2})月(?:(\d{1,2})[日号]|(底|末))?")
YEARS_SINCE_RE = re.compile(r"(一|两|二|三|\d)年来")
# Metrics the rules treat apart: savings take no growth rate; snapshots are dated, not spanned.
SAVING_METRICS = frozenset({"days_saved", "cost_saving_per_teu_cny"})
SNAPSHOT_METRICS = frozenset(k for k, m in load_metrics().items() if m.kind == "snapshot")
