"""The plan as data: complete, traceable to the plan's text, and with the plan's own numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from jinan_eval.vocabulary import QUANTIFIED_KINDS as TARGET_KINDS_QUANTIFIED

from conftest import SHIPPED_DATA, SHIPPED_PLAN

PLAN_TEXT = (SHIPPED_DATA / SHIPPED_PLAN / "plan_text_zh.txt").read_text(encoding="utf-8")
TARGETS = pd.read_csv(SHIPPED_DATA / SHIPPED_PLAN / "targets.csv", dtype=str, keep_default_na=False)
SECTIONS = pd.read_csv(SHIPPED_DATA / SHIPPED_PLAN / "sections.csv", dtype=str, keep_default_na=False)


def test_every_section_of_the_plan_is_listed():
    expected = {"MAIN"} | {f"KP{i}" for i in range(1, 11)} | {f"PM{i}" for i in range(1, 11)} | {"SM1", "SM2", "SM3"}
    assert set(SECTIONS["section_id"]) == expected
    assert set(TARGETS["section_id"]) == expected, "every section accounts for at least one commitment"


def test_every_section_title_is_in_the_plan():
    for title in SECTIONS["title_zh"]:
        assert title in PLAN_TEXT


@pytest.mark.parametrize("row", TARGETS.to_dict("records"), ids=list(TARGETS["target_id"]))
def test_plan_text_is_verbatim_and_states_the_value(row):
    assert row["plan_text_zh"] in PLAN_TEXT
    if row["target_value"]:
        value = row["target_value"].removesuffix(".0")
        spelled = {"100": ("全部", "一律"), "0": ("清零",)}.get(value, ())
        text = row["plan_text_zh"].replace("８", "8")
        assert value in text or any(word in text for word in spelled), "the clause states the number"


def test_more_than_45_quantified_targets():
    quantified = TARGETS[TARGETS["kind"].isin(TARGET_KINDS_QUANTIFIED)]
    assert len(quantified) > 45


@pytest.mark.parametrize("indicator, kind, value, unit", [
    ("energy_intensity", "reduction_vs_base", "14.8", "%"),
    ("nox_key_project_reduction", "cumulative_addition", "9494", "吨"),
    ("voc_key_project_reduction", "cumulative_addition", "7373", "吨"),
    ("cod_key_project_reduction", "cumulative_addition", "18180", "吨"),
    ("nh3n_key_project_reduction", "cumulative_addition", "707", "吨"),
    ("industrial_energy_intensity", "reduction_vs_base", "17", "%"),
    ("water_supply_network_leakage_rate", "at_most", "7.8", "%"),
    ("clean_heating_rate", "at_least", "90", "%"),
    ("railway_freight_volume", "increase_vs_base", "10", "%"),
    ("charging_facilities", "at_least", "8", "万个"),
    ("straw_utilization_rate", "at_least", "98", "%"),
    ("renewable_capacity", "at_least", "430", "万千瓦"),
    ("sewage_treatment_capacity_added", "cumulative_addition", "40", "万吨/日"),
])
def test_headline_targets_carry_the_plans_values(indicator, kind, value, unit):
    rows = TARGETS[TARGETS["indicator_key"] == indicator]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["kind"], row["target_value"].removesuffix(".0"), row["unit"]) == (kind, value, unit)
