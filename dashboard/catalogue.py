"""The dashboard's words: every UI text as a key with its Chinese and English, in that order.

Data only; dashboard.i18n looks the keys up (t, pair, both). Texts whose word order differs
between the languages are templates whose {fields} t() fills in.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("西部陆海新通道数据看板", "Western Land-Sea New Corridor dashboard"),
    "app_caption": (
        "新闻报道中的通道数据：班列、箱量、运费扣减、农产品出口与通达范围",
        "The corridor's figures as reported in the news: trains, containers, "
        "freight deductions, agricultural exports and reach",
    ),
    "page_overview": ("总览", "Overview"),
    "page_trains": ("班列与箱量", "Trains and TEU"),
    "page_freight": ("运费扣减", "Freight deductions"),
    "page_agri": ("农产品出口", "Agricultural exports"),
    "page_reach": ("通道通达", "Reach"),
    "page_data": ("数据与来源", "Data and sources"),
    "help_overview": (
        "最新的核心指标及其同比变化。",
        "The latest headline figures and their year-on-year change.",
    ),
    "help_trains": (
        "班列开行、集装箱运量、货值与贸易额。",
        "Train runs, containers, cargo and trade.",
    ),
    "help_freight": ("运费扣减金额与惠及企业。", "Freight deducted and the firms that benefited."),
    "help_agri": ("经通道出口的农产品。", "Agricultural exports along the corridor."),
    "help_reach": ("通达港口、国家和货物品类。", "Ports, countries and cargo categories reached."),
    "help_data": (
        "筛选后的数据表、原文与来源、指标说明和下载。",
        "The filtered table with quotes and sources, the metric dictionary, downloads.",
    ),
    "filters": ("筛选", "Filters"),
    "language": ("语言", "Language"),
    "period": ("时间范围", "Period"),
    "region": ("地区", "Region"),
    "route": ("线路", "Route"),
    "metric": ("指标", "Metric"),
    "basis": ("数值类型", "Kind of figure"),
    "source": ("来源", "Source"),
    "all": ("全部", "All"),
    "no_route": ("未指明线路", "No route stated"),
    "reported": ("报道值", "Reported"),
    "derived": ("推算值", "Derived"),
    "derived_long": (
        "推算值：由报道的同比增速倒推的上年同期值，并非原文数字",
        "derived: the prior-year value computed from the reported growth rate, "
        "not a reported figure",
    ),
    "derived_legend": ("推算值（由同比增速倒推）", "Derived (from the growth rate)"),
    "reset": ("清除筛选", "Clear filters"),
    "more_filters_help": (
        "按时间、地区、线路、指标、来源和数值类型筛选；已选条件列在按钮下方",
        "Filter by period, region, route, metric, source and kind of figure; what is chosen "
        "is listed under the button",
    ),
    "period_chosen": ("{start}—{end}", "{start} – {end}"),
    "related_shown": ("相关通道：显示", "Related corridors: shown"),
    "active_count": ("（已选 {n} 项）", " ({n} chosen)"),
    "data_as_of": ("数据截至", "Data as of"),
    "data_changed": ("数据更新于", "data last changed"),
    "yoy": ("同比", "year on year"),
    "no_yoy": ("未报道同比", "no yoy reported"),
    "scope": ("口径", "Scope"),
    "also_reported_by": ("亦见于", "Also reported by"),
    "figures_shown": ("条数据", "figures"),
    "dictionary": ("指标说明", "Metric dictionary"),
    "downloads": ("下载筛选后的数据", "Download the filtered data"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel (XLSX)", "Download Excel (XLSX)"),
    "loading": ("正在载入数据……", "Loading the data…"),
    "drawing": ("正在绘制图表……", "Drawing the charts…"),
    "chart_empty_hint": (
        "此页的指标在当前筛选条件下没有数据。",
        "None of this page's metrics have figures under the current filters.",
    ),
    "tab_title": ("西部陆海新通道数据看板", "Corridor dashboard"),
    "page_upload": ("上传数据", "Upload"),
    "page_present": ("演示", "Present"),
    # Punctuation: Chinese uses full-width marks with no space after them.
    "sep": ("：", ": "),
    "sep_end": ("：", ":"),
    "list_sep": ("、", ", "),
    "clause_sep": ("；", "; "),
    "comma": ("，", ", "),
    "full_stop": ("。", "."),
    "paren_suffix": ("（{inner}）", " ({inner})"),
    # The written briefing: one sentence per headline series; {value} is where the figure goes.
    "brief_title": ("简报", "Briefing"),
    "brief_year": ("{period}，{label}{value}", "In {period}, {label}: {value}"),
    "brief_ytd": ("{period}为{value}", "{period}: {value}"),
    "brief_snapshot": ("{as_of}，{label}{value}", "{label}: {value} ({as_of})"),
    "card_ytd": ("{period}：{value}", "{period}: {value}"),
    "brief_end": ("。", ". "),
    "brief_before": ("（上年同期{value}）", " (a year before: {value})"),
    "brief_computed": (
        "同比变化由两期报道数值计算",
        "changes without a reported rate are computed from the two reported figures",
    ),
    "brief_none": (
        "当前筛选条件下没有可写入简报的核心指标数据。",
        "No headline figures to brief on under the current filters.",
    ),
    "brief_sources": ("数据来源", "Sources"),
    "brief_copy": ("复制简报文本", "Copy the briefing text"),
    "brief_download": ("下载简报（TXT）", "Download the briefing (TXT)"),
    # Charts.
    "axis_title": ("{label}（{unit}）", "{label} ({unit})"),
    "title_by_year": ("{label}（历年）", "{label}, by year"),
    # A headline series' growth from its first full year to its last, under its chart.
    "span_growth": ("跨度增长", "Growth over the span"),
    "span_over": ("超", "more than "),
    "span_under": ("不到", "less than "),
    "span_about": ("约", "about "),
    "span_multiple": ("{prefix}{number}倍", "{prefix}{number}-fold"),
    "span_annual_up": ("年均增长{prefix}{number}%", "{prefix}{number}% a year on average"),
    "span_annual_down": ("年均下降{prefix}{number}%", "{prefix}−{number}% a year on average"),
    "span_sentence": (
        "{first}—{last}年：{multiple}，{annual}",
        "{first}–{last}: {multiple}, {annual}",
    ),
    "span_clause": (
        "为{first}年的{multiple}（{annual}）",
        "{multiple} its {first} level ({annual})",
    ),
    # A metric page's figures not drawn as a series: its table, under the charts.
    "more_figures": ("更多数据", "More figures"),
    "more_figures_count": ("更多数据（{n}）", "More figures ({n})"),
    "more_figures_note": (
        "本页指标的数据（最多{limit}条，最新在前），每条附来源。",
        "This page's figures (up to {limit}, latest first), each with its source.",
    ),
    "also_reported": ("另据{source}：{value}", "also reported: {value} ({source})"),
    "also_reported_legend": ("另据其他来源", "Also reported by others"),
    # A figure the source states as a bound (超1万列): its mark, legend entry and note.
    "bound_legend": ("原文为约数（超/不到/约/近）", "Stated as a bound (over/under/about/nearly)"),
    "bound_short": ("原文为约数", "stated as a bound"),
    "bound_note": (
        "空心三角等标记为原文所述的约数或界限（如“超1万列”），不是准确值，不与相邻年份相连或比较。",
        "Open triangles and like marks are figures the source states as a bound "
        "(e.g. 'over 10,000 trains'), not exact values; they are neither joined to nor "
        "compared with the years beside them.",
    ),
    "through_note": (
        "{year}年的点为{as_of}的累计数。",
        "The {year} point is the running total {as_of}.",
    ),
    "gap_note": (
        "{years}年无全年数据报道，折线在此断开。",
        "No full-year figure has been reported for {years}; the line breaks there.",
    ),
    "related": ("相关通道", "Related corridors"),
    "related_help": (
        "显示中欧班列、中老铁路、港口总吞吐量、省份外贸总额等相关数据（单独成图，不与本通道数据同轴）",
        "Show related series (China–Europe rail, China–Laos railway, a port's total "
        "throughput, a province's total trade) in charts of their own, never on this "
        "corridor's axes",
    ),
    "related_title": ("相关通道 · {title}", "Related corridors · {title}"),
    "title_ytd": ("{label}：年初至今与上年同期", "{label}: year to date against a year before"),
    "ytd_headline": (
        "{period} {label}{value}{growth}（上年同期{before}{derived}）",
        "{label}: {value}, {period}{growth} (a year before: {before}{derived})",
    ),
    "ytd_derived_mark": ("，推算", ", derived"),
    "ytd_derived_label": ("{value}（推算）", "{value} (derived)"),
    "ytd_derived_hover": (
        "推算值：由{value}、同比{yoy}倒推，并非原文数字",
        "derived: computed from {value} and its yoy of {yoy}, not a reported figure",
    ),
    "events_legend": ("大事记", "Milestones"),
    "deck_events_more": ("另有{count}条见备注", "{count} more in the notes"),
    "events_hidden": ("附近另有{count}条：", "{count} more near here:"),
    "events_more": ("……另{count}条", "… and {count} more"),
    "event_source": ("来源：{source}", "Source: {source}"),
    "title_cumulative": ("{title}（累计）", "{title} (cumulative)"),
    "headline": ("{period} {label}{value}{growth}", "{label}: {value}, {period}{growth}"),
    "source_line": ("来源：{names}", "Source: {names}"),
    "source_more": ("等{count}个来源", "; and {more} more"),
    "source_derived": (
        "。浅色斜纹为推算值（由报道的同比增速倒推上年同期）",
        ". Pale hatched bars are derived (prior year computed from the reported growth rate)",
    ),
    "kind_flow": ("按口径和期间排列的条形图", "bar chart by scope and period"),
    "kind_snapshot": ("按时间排列的散点图", "dot chart over time"),
    "kind_growth": ("横向柱状图", "horizontal bar chart"),
    "alt": (
        "{title}：{kind}，{count}个数据点，{span}。{headline}。",
        "{title}: {kind}, {count} figures, {span}. {headline}.",
    ),
    "growth_axis": ("同比增速（%）", "Growth on the same period a year earlier (%)"),
    "growth_title": ("核心指标同比增速", "Growth of the headline figures"),
    "growth_headline": (
        "{period} {label}{growth}，增速居核心指标之首",
        "{label} grew fastest of the headline figures: {growth} ({period})",
    ),
    "note_series": (
        "按最新数值显示前{shown}个口径（共{total}个）",
        "showing the {shown} largest of {total} scopes by their latest figure",
    ),
    "note_figures": (
        "图中{shown}个数据点（筛选结果共{total}个）",
        "{shown} of {total} figures drawn",
    ),
    "note_more": (
        "可用“显示口径数”、地区、线路和期间筛选查看其余",
        "use 'Scopes shown' and the region, route and period filters to see others",
    ),
    "scopes_shown": ("显示口径数（按最新数值从大到小）", "Scopes shown (largest first)"),
    # KPI cards and tables.
    "firms_note": ("惠及企业{count}", "{count} benefiting"),
    "col_value": ("数值", "Value"),
    "col_period": ("期间", "Period"),
    "col_yoy": ("同比", "YoY"),
    "col_link": ("链接", "Link"),
    "hover_report": ("报道", "Report"),
    "xl_metric": ("指标", "Metric"),
    "xl_value": ("数值（{unit}）", "Value ({unit})"),
    "xl_qualifier": ("限定", "Qualifier"),
    "xl_stated": ("原文表述", "As stated"),
    "xl_period": ("期间", "Period"),
    "xl_yoy": ("同比（%）", "YoY (%)"),
    "xl_region": ("地区", "Region"),
    "xl_route": ("线路", "Route"),
    "xl_scope": ("口径（原文）", "Scope (source's words)"),
    "xl_basis": ("类型", "Basis"),
    "xl_source": ("来源", "Source"),
    "xl_publisher": ("发布机构", "Publisher"),
    "xl_published": ("发布日期", "Published"),
    "xl_link": ("链接", "Link"),
    "xl_quote": ("摘要句 / 原文", "Sentence"),
    "col_series": ("系列", "Series"),
    "col_quote": ("摘要句 / 原文", "Sentence"),
    # What a figure's sentence is, by its source's kind: a brief is the project's summary of a
    # report, so its sentence is ours (摘要句), never the report's own words (原文).
    "col_sentence_kind": ("句子类型", "Sentence is"),
    "sentence_brief": ("摘要句", "summary sentence"),
    "sentence_article": ("原文", "original sentence"),
    "sentence_upload": ("上传说明", "upload note"),
    "sentence_other": ("句子", "sentence"),
    "dict_key": ("指标代码", "Key"),
    "dict_label_zh": ("中文名称", "Chinese label"),
    "dict_label_en": ("英文名称", "English label"),
    "dict_unit": ("基本单位", "Base unit"),
    "dict_shown_in": ("显示单位", "Shown in"),
    "dict_kind": ("类型", "Kind"),
    "dict_flow": ("期间流量", "flow over a period"),
    "dict_snapshot": ("时点存量", "snapshot at a date"),
    # Present mode and downloads.
    "present_prev": ("上一张", "Previous"),
    "present_next": ("下一张", "Next"),
    "present_key_prev": ("上翻页键", "Page Up"),
    "present_key_next": ("下翻页键", "Page Down"),
    "present_leave": ("退出演示", "Leave present mode"),
    "present_full": ("全屏演示", "Full screen"),
    "present_cards_title": ("核心指标", "Headline figures"),
    "image_period": ("时期：{period}", "Period: {period}"),
    "deck_menu": ("演示文稿", "Presentation deck"),
    "deck_menu_help": (
        "当前筛选条件下全部图表的演示文稿：PPTX 或 PDF",
        "Every chart under the current filters as a deck: PPTX or PDF",
    ),
    "download_deck": ("下载演示文稿（PPTX）", "Download the deck (PPTX)"),
    "download_deck_help": (
        "当前筛选条件下的全部图表，可在 PowerPoint 或 WPS 中编辑",
        "Every chart under the current filters, editable in PowerPoint or WPS",
    ),
    # Each chart's data and link, and the deck as PDF (dashboard/downloads.py).
    "chart_data_help": (
        "本图的数据点：期间、数值、限定与原文表述、单位、口径、来源、日期、链接和原文句子",
        "This chart's points: period, value, qualifier and as stated, unit, scope, source, "
        "date, link and sentence",
    ),
    "chart_downloads": ("下载 · 链接", "Download · link"),
    "chart_downloads_help": (
        "本图的数据（CSV、XLSX）、图片（PNG、SVG）和打开同一视图的链接",
        "This chart's data (CSV, XLSX), pictures (PNG, SVG) and a link to the same view",
    ),
    "map_downloads_help": (
        "两幅地图的图片（PNG、SVG）和打开同一视图的链接",
        "Both maps as pictures (PNG, SVG) and a link to the same view",
    ),
    "chart_copy_link_help": (
        "复制此链接即可打开同一页面和同样的筛选条件",
        "Copy this link to open the same page with the same filters",
    ),
    "chart_point_source": ("所选数据点的来源报道：", "Source report of the selected point: "),
    "download_deck_pdf": ("下载 PDF", "Download PDF"),
    "download_deck_pdf_help": (
        "与 PPTX 相同的演示文稿，由 LibreOffice 转为 PDF（约需数秒）后下载",
        "The same deck as the PPTX, made a PDF by LibreOffice (a few seconds), then saved",
    ),
    "no_deck_pdf": (
        "无法生成 PDF：本机未安装 LibreOffice（Debian/Ubuntu 请安装 libreoffice-impress）。"
        "PPTX 不受影响。",
        "No PDF: LibreOffice is not installed here (on Debian/Ubuntu install "
        "libreoffice-impress). The PPTX still works.",
    ),
    "chart_point_no_link": (
        "所选数据点的来源没有链接：",
        "The selected point's source has no link: ",
    ),
    "chart_unit": ("单位", "Unit"),
    "png_help": ("1920×1080，适合幻灯片", "1920×1080, for a slide"),
    "svg_help": ("矢量图，可无损缩放", "vector, scales without loss"),
    "no_images": (
        "PNG/SVG 导出不可用：本机未安装 Chromium。",
        "PNG/SVG export is unavailable: Chromium is not installed here.",
    ),
    # The meeting deck.
    "deck_title": ("西部陆海新通道数据看板", "Western Land-Sea New Corridor"),
    "deck_subtitle": ("会议简报", "Meeting briefing"),
    "deck_made": ("制作日期", "Made"),
    "deck_filters": ("筛选条件", "Filters"),
    "deck_no_filters": ("全部数据（未筛选）", "all figures (no filter)"),
    "deck_kpi_title": ("核心指标", "Headline figures"),
    "deck_no_kpi": ("当前筛选条件下没有核心指标。", "No headline figures under these filters."),
    "deck_sources": ("全部来源", "All sources"),
    "deck_derived_note": (
        "推算值（浅色斜纹）：由报道的同比增速倒推的上年同期值，并非原文数字。",
        "Derived values (pale, hatched): the prior-year figure computed from the reported "
        "growth rate, not a reported number.",
    ),
    "deck_made_by": (
        "由 corridor deck 根据新闻报道中的数据生成；图表为可编辑的原生 PowerPoint 图表。",
        "Made by corridor deck from figures reported in the news; the charts are native, "
        "editable PowerPoint charts.",
    ),
    "deck_card_note": (
        "· {label} {value}{delta}（{period}，{scope}）",
        "· {label} {value}{delta} ({period}, {scope})",
    ),
    # Filters read from a URL or the command line; the page ignores a bad value, the CLI refuses.
    "filter_unknown": (
        "筛选条件 {param}={value} 无法识别",
        "Filter {param}={value} is not recognised",
    ),
    "filter_bad_month": (
        "筛选条件 {param}={value} 不是有效的年月（应为 2024-07）",
        "Filter {param}={value} is not a month like 2024-07",
    ),
    "filter_swapped": ("起始月份晚于截止月份", "The start month was after the end month"),
    "filter_ignored": ("，已忽略。", "; ignored."),
    "filter_swapped_done": ("，已对调。", "; swapped."),
    # Messages that must be understood whatever the language switch says: shown with both().
    "empty_result": (
        "当前筛选条件下没有数据。请放宽时间范围或清除部分筛选条件。",
        "No figures match these filters. Widen the period or clear some filters.",
    ),
    "no_data": (
        "数据目录中还没有数据表。运行 `corridor build` 生成数据后刷新本页。",
        "The data directory holds no tables yet. Run `corridor build`, then reload this page.",
    ),
    # The upload page (dashboard/app_pages/upload.py).
    "up_refused": ("未接受，数据没有任何改动。", "Refused; nothing was changed."),
    "up_role_analyst": ("分析员", "analyst"),
    "up_role_manager": ("经理", "manager"),
    "up_signed_in": ("已登录：{name}", "Signed in as {name}"),
    "up_signed_in_role": ("已登录：{name}（{role}）", "Signed in as {name} ({role})"),
    "up_logout": ("退出登录", "Log out"),
    "up_timed_out": (
        "超过 {minutes:g} 分钟未操作，已自动退出，请重新登录。",
        "Logged out after {minutes:g} minutes without activity; log in again.",
    ),
    "up_login_oidc": ("用单位账号登录", "Log in with your organisation"),
    "up_login_name": ("用户名", "Name"),
    "up_login_pw": ("密码", "Password"),
    "up_login": ("登录", "Log in"),
    "up_locked": (
        "尝试次数过多，已暂时锁定，请稍后再试。",
        "Too many failed attempts: locked for now; try again later.",
    ),
    "up_wrong_login": ("用户名或密码不对。", "Wrong name or password."),
    "up_not_configured": (
        "尚未设置分析员权限，因此本页不接受任何上传。",
        "No analyst access is set up, so this page accepts nothing.",
    ),
    "up_setup_password": (
        "在服务器上运行下面的命令设置分析员密码（密码只以散列形式保存在 "
        "`.streamlit/secrets.toml`，权限 0600），然后刷新本页：",
        "On the server, set an analyst password (only its hash is stored, in "
        "`.streamlit/secrets.toml`, mode 0600), then reload this page:",
    ),
    "up_setup_oidc": (
        "也可以用单位的身份提供方（OIDC）登录：在 `secrets.toml` 中配置 `[auth]`，"
        "并在 `[corridor]` 中用 `analyst_emails` 列出分析员的邮箱。",
        "Or sign in with your organisation's identity provider (OIDC): configure `[auth]` "
        "in secrets.toml and list analysts' e-mails as `analyst_emails` under `[corridor]`.",
    ),
    "up_template": ("下载模板（CSV）", "Download the template (CSV)"),
    "up_file": ("CSV 或 XLSX 文件", "A CSV or XLSX file"),
    "up_file_limit": ("每个文件上限 {mb:g} MiB", "At most {mb:g} MiB per file"),
    # Streamlit's own uploader words, shown in Chinese by dashboard/uploader_text.py.
    "up_browse": ("选择文件", "Upload"),
    "up_dropzone_limits": (
        "拖放或选择文件 · 每个文件不超过 {mb} MB · {types}",
        "{mb}MB per file • {types}",
    ),
    "up_drop_here": ("将文件拖放到此处", "Drag and drop a file here"),
    "up_new": ("新增", "New"),
    "up_held": ("已有", "Already held"),
    "up_contradicting": ("与现有数据矛盾", "Contradicting"),
    "up_all_held": ("所有行都已存在，无需合并。", "Every row is already held; nothing to merge."),
    # The record check of the rows about to be merged (etl/contract/checks.py), before a merge.
    "up_check_head": ("合并前请核对：{summary}", "To question before merging: {summary}"),
    "up_check_clean": (
        "记录核对：这些行与已有数据相比没有需要核对之处。",
        "Record check: nothing to question in these rows against the stored record.",
    ),
    "up_check_error": ("错误", "error"),
    "up_check_warning": ("警告", "warning"),
    "up_check_severity": ("严重程度", "Severity"),
    "up_check_rule": ("规则", "Rule"),
    "up_check_message": ("说明", "What to question"),
    "up_check_value": ("数值", "Value"),
    "up_check_series": ("系列", "Series"),
    "up_replace_file": (
        "用本文件的数值替换矛盾的已有数据（记录旧值→新值）",
        "Replace the contradicted figures with this file's values (recorded old → new)",
    ),
    "up_merge": ("确认合并", "Merge"),
    "up_submitted": (
        "已提交待审批（{pending}）：另一位分析员批准后生效。",
        "Submitted for approval ({pending}): applied once another analyst approves it.",
    ),
    "up_merged": ("已合并为批次 {batch}", "Merged as batch {batch}"),
    "up_nothing_pending": ("没有待审批的改动。", "Nothing is waiting for approval."),
    "up_pending_item": (
        "{id}  {kind}  提交人 {who}  {file}  新增 {new}  替换或删除 {replacing}",
        "{id}  {kind}  by {who}  {file}  new {new}  replacing/removing {replacing}",
    ),
    "up_kind_upload": ("上传", "upload"),
    "up_kind_article": ("文章", "article"),
    "up_kind_correction": ("更正", "correction"),
    "up_kind_retraction": ("撤回", "retraction"),
    "up_kind_wording": ("措辞映射", "wording"),
    "up_own_pending": (
        "这是您提交的数据，须由另一位分析员批准。",
        "You submitted this; another analyst must approve it.",
    ),
    "up_approve": ("批准", "Approve"),
    "up_approved": ("已批准，批次 {batch}", "Approved: batch {batch}"),
    "up_reject_reason": ("驳回原因", "Reason to reject"),
    "up_reject": ("驳回", "Reject"),
    "up_rejected": ("已驳回。", "Rejected."),
    "up_article_file": ("文章（.txt）", "An article (.txt)"),
    "up_article_paste": ("或粘贴文章全文", "Or paste the article's text"),
    "up_published_inferred": (
        "发布日期（由正文推断，请核对）",
        "Published (inferred from the text: check it)",
    ),
    "up_published": ("发布日期", "Published"),
    "up_published_head": ("发布日期 {date}（页首）", "Published {date}"),
    "up_date_inferred": (
        "文章未注明发布日期：按正文推断为 {date}，保存时标记为推断。",
        "The article gives no date: {date} is inferred from the text and "
        "will be stored marked inferred.",
    ),
    "up_how_stated": ("文中写明", "stated in its clause"),
    "up_how_carried": ("沿用上文", "carried from earlier"),
    "up_how_publication": ("取发布日期", "publication date"),
    "up_review_mark": ("⚠ 请核对", "⚠ review"),
    "up_periods_heading": ("**各数据的期间如何确定**", "**How each period was decided**"),
    "up_periods_flagged": (
        "{flagged} 条的期间不是文中就地写明的（沿用上文或取发布日期），请核对。",
        "{flagged} periods were not stated in their own clause (carried or taken "
        "from the publication date): please check them.",
    ),
    "up_source_id": ("来源编号", "Source id"),
    "up_title": ("标题", "Title"),
    "up_title_missing": ("文章没有标题行：请填写标题", "The article has no title line: give one"),
    "up_publisher": ("发布机构", "Publisher"),
    "up_url": ("网址", "URL"),
    "up_edit_rows": (
        "提取结果可直接修改、删除或添加行；接受后原文按原样保存，其数据不会被重新提取。",
        "Edit, delete or add rows; once accepted the article is kept as received and its "
        "rows are never re-extracted.",
    ),
    "up_replace": ("替换矛盾的已有数据", "Replace contradicted figures"),
    "up_title_first": ("请先填写标题。", "Give a title first."),
    "up_accept": ("接受并保存", "Accept and store"),
    "up_stored": ("已保存为批次 {batch}", "Stored as batch {batch}"),
    "up_url_optional": ("网址（可不填）", "URL (optional)"),
    "up_register": ("登记", "Register"),
    "up_registered": ("已登记（批次 {batch}）", "Registered (batch {batch})"),
    "up_metric": ("指标", "Metric"),
    "up_scope": ("口径（原文）", "Scope (source's words)"),
    "up_period_end": ("截止日期", "Period end"),
    "up_source_id_optional": ("来源编号（可不填）", "Source id (optional)"),
    "up_old_value": ("现值（可不填）", "Value held now (optional)"),
    "up_action": ("操作", "Action"),
    "up_correct": ("更正", "Correct"),
    "up_retract": ("撤回", "Retract"),
    "up_new_value": ("新值（基本单位）", "New value (base units)"),
    "up_new_qualifier": ("新的限定词", "New qualifier"),
    "up_keep_qualifier": ("不变", "keep as is"),
    "up_exact_qualifier": ("准确（按原文确切）", "exact (stated exactly)"),
    "up_reason_required": ("原因（必填）", "Reason (required)"),
    "up_submit": ("提交", "Submit"),
    "up_recorded": ("已记录为批次 {batch}", "Recorded as batch {batch}"),
    "up_no_batches": ("还没有批次。", "No batches yet."),
    "up_undo_choice": ("撤销哪个批次", "Batch to undo"),
    "up_reason": ("原因", "Reason"),
    "up_undo": ("撤销", "Undo"),
    "up_undone": ("已撤销，记录为批次 {batch}", "Undone; recorded as batch {batch}"),
    # Issue 21: Excel template, notes on how a file was read, undo with confirmation, review.
    "up_template_xlsx": (
        "下载模板（Excel，含下拉选项）",
        "Download the template (Excel, drop-downs)",
    ),
    "up_notes": ("文件是这样读取的：", "How the file was read:"),
    "up_preview_cut": (
        "显示前 {shown} 行，共 {total} 行。",
        "Showing the first {shown} of {total} rows.",
    ),
    "up_submit_approval": ("提交审批", "Submit for approval"),
    "up_undo_none": ("没有可撤销的批次。", "No batch can be undone."),
    "up_undo_reason": ("撤销原因（必填）", "Reason for the undo (required)"),
    "up_undo_ask": ("撤销所选批次…", "Undo the chosen batch…"),
    "up_undo_need_reason": ("请先填写撤销原因。", "Give a reason for the undo first."),
    "up_undo_confirm_head": ("确认撤销：{label}", "Confirm the undo: {label}"),
    "up_undo_goes": ("将移除 {n} 个数字：", "{n} figures will be removed:"),
    "up_undo_returns": (
        "将恢复 {n} 个被替换或撤回的数字：",
        "{n} replaced or retracted figures come back:",
    ),
    "up_undo_sources": ("将注销来源：{ids}", "Sources it registered go: {ids}"),
    "up_undo_more": ("……另有 {n} 个", "… and {n} more"),
    "up_undo_confirm": ("确认撤销", "Confirm the undo"),
    "up_cancel": ("取消", "Cancel"),
    "up_history_heading": (
        "**变更记录**（{zone} 时间，最新在前）",
        "**Changes** (times in {zone}, newest first)",
    ),
    "up_history_table": ("表格", "Table"),
    "up_sources_missing": (
        "文件引用了尚未登记的来源：{ids}。可在此登记，登记后自动重新检查文件。",
        "The file cites sources not registered yet: {ids}. Register them here and the file "
        "is checked again.",
    ),
    "up_derived_rows": (
        "推算值（由上面的数值和同比计算，不可编辑；改动上面的行即随之更新）：",
        "Derived rows (computed from the values and yoy above, not editable; they follow "
        "any edit above):",
    ),
    "up_pending_original": ("提交的原件", "As submitted"),
    "up_pending_rows": ("将写入的行", "Rows it writes"),
    "up_original_missing": ("原件不可用。", "The original is not available."),
    "up_log_in_first": ("请用您的用户名登录后上传。", "Log in with your name to upload."),
    "up_view_only": (
        "您的账号只能查看数据，不能修改。",
        "Your account can view the data but not change it.",
    ),
    "up_tab_upload": ("上传文件", "Upload a file"),
    "up_tab_article": ("新文章", "New article"),
    "up_tab_source": ("登记来源", "Register a source"),
    "up_tab_correct": ("更正或撤回", "Correct or retract"),
    "up_tab_history": ("历史与撤销", "History and undo"),
    "up_tab_review": ("待审批", "Review"),
    # The data and sources page (dashboard/app_pages/sources.py).
    "src_first_rows": (
        "表中显示前{shown}条（共{total}条），完整数据请下载 CSV 或 XLSX。",
        "The table shows the first {shown} of {total} figures; "
        "download the CSV or XLSX for all of them.",
    ),
    "src_one_per_figure": (
        "（同一数字多家来源报道的，只列最新发布的一家，其余见“亦见于”）",
        " (a figure reported by several sources is listed once, from the latest; "
        "the others are under 'also reported by')",
    ),
    "src_link_text": ("报道链接", "report"),
    "src_download_xlsx": (
        "表格（XLSX，按指标分表，显示单位）",
        "Workbook (XLSX, a sheet per metric)",
    ),
    "src_download_csv": (
        "约定格式 CSV（供程序读取，基本单位）",
        "Contract CSV (for machines, base units)",
    ),
    # The reach map (dashboard/charts/reach_map.py, dashboard/reach_card.py).
    "map_title": ("通道线路与海上通达", "The corridor's lines and sea lanes"),
    "map_corridor": ("通道主要线路与枢纽", "Main lines and hubs"),
    "map_lanes": ("北部湾出海航线通达地区", "Sea lanes from the Beibu Gulf"),
    "map_hub": ("枢纽", "hubs"),
    "map_stop": ("途经城市", "stops"),
    "map_port": ("北部湾港口", "Beibu Gulf ports"),
    "map_gulf": ("北部湾", "Beibu Gulf"),
    "map_beyond": ("{name} →", "{name} →"),
    "map_named": ("报道提及：{places}", "Named in reports: {places}"),
    "map_countries_reached": ("{figure}国家和地区", "{figure}"),
    "map_ports_reached": ("{figure}港口", "{figure}"),
    "map_reach_both": ("通达{countries}、{ports}", "{countries} and {ports} reached"),
    "map_reach_one": ("通达{figure}", "{figure} reached"),
    "map_dated": ("{figure}（{as_of}）", "{figure} ({as_of})"),
    "map_headline": ("{as_of}，{reach}", "{reach}, {as_of}"),
    "map_lines_source": (
        "线路：《西部陆海新通道总体规划》（2019年）所定西线、中线、东线；"
        "底图：Natural Earth 1:110m 陆地（公有领域），不绘制国界",
        "Lines: the west, middle and east lines of the corridor's master plan (2019); "
        "land: Natural Earth 1:110m (public domain), no national borders drawn",
    ),
    "map_no_totals": (
        "当前筛选条件下没有通道通达国家和港口总数。",
        "No stated totals of countries and ports reached under these filters.",
    ),
    "deck_reach_places": ("报道提及的国家和港口", "Countries and ports the reports name"),
    "map_regions_note": (
        "航线按报道提及的地区绘制；来源未分地区给出国家和港口数，图中只标地区名。不绘制国界。",
        "Lanes are drawn to the regions the reports name; no source gives countries or ports "
        "by region, so lanes carry region names only. No national borders are drawn.",
    ),
}
