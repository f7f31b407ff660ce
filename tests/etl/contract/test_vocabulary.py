"""etl/contract/vocabulary.py: the shipped vocabulary covers the contract and is self-consistent."""

from __future__ import annotations

from etl.contract.vocabulary import SCALE_DIVISORS, load_metrics, load_regions, load_routes

CONTRACT_UNITS = {
    "train_runs": "trains",
    "teu": "TEU",
    "cargo_tonnes": "tonnes",
    "trade_value_cny": "CNY",
    "cargo_value_cny": "CNY",
    "agri_export_value_cny": "CNY",
    "freight_deduction_cny": "CNY",
    "beneficiary_firms": "firms",
    "ports_reached": "ports",
    "countries_reached": "countries",
    "cargo_categories": "categories",
    "vehicles": "vehicles",
    "days_saved": "days",
    "cost_saving_per_teu_cny": "CNY_per_TEU",
}


def test_every_contract_metric_has_its_contract_unit() -> None:
    assert {k: m.unit for k, m in load_metrics().items()} == CONTRACT_UNITS


def test_every_metric_has_labels_and_a_known_scale() -> None:
    for metric in load_metrics().values():
        assert metric.label_zh and metric.label_en
        assert metric.scale_zh in SCALE_DIVISORS and metric.scale_en in SCALE_DIVISORS
        assert metric.kind in {"flow", "snapshot"}


def test_reach_metrics_are_snapshots() -> None:
    metrics = load_metrics()
    for key in ("ports_reached", "countries_reached", "cargo_categories", "days_saved"):
        assert metrics[key].kind == "snapshot"


def test_region_and_route_keys_are_unique_and_include_unspecified() -> None:
    regions = [r.key for r in load_regions()]
    routes = [r.key for r in load_routes()]
    assert len(set(regions)) == len(regions) and "unspecified" in regions
    assert len(set(routes)) == len(routes)
    assert {"rail_sea", "cross_border_road", "international_rail", "china_europe_rail"} <= set(
        routes
    )


def test_every_metric_region_and_route_has_an_english_label_with_no_chinese() -> None:
    labels = [(m.label_en, m.unit_en) for m in load_metrics().values()]
    labels += [(p.label_en, "") for p in (*load_regions(), *load_routes())]
    for label, unit in labels:
        assert label.strip(), labels
        assert not any("\u3400" <= ch <= "\u9fff" for ch in label + unit), label
