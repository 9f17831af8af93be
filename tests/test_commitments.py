"""Implementation levels of commitments: computed by rule from dated evidence (hand-checked cases, properties,
and the door: evidence rows are validated like observations)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinan_eval.assess.commitments import assess_commitments, section_judgement
from jinan_eval.data import validate
from jinan_eval.data.load import issuance_only
from jinan_eval.vocabulary import EVENTS, LEVEL_ORDER, LEVEL_RANK

from conftest import PLAN_DIR, SHIPPED_DATA

TARGETS = pd.DataFrame([
    {"target_id": "T-1", "kind": "qualitative", "target_year": 2025},
    {"target_id": "T-2", "kind": "milestone", "target_year": 2023},
    {"target_id": "T-3", "kind": "provincial_task", "target_year": 2025},
    {"target_id": "T-4", "kind": "reduction_vs_base", "target_year": 2025},
    {"target_id": "T-5", "kind": "milestone", "target_year": 2023, "parts_zh": "钢铁;水泥"},
])


def events(*rows: tuple) -> pd.DataFrame:
    """Evidence rows (target, event, date[, part])."""
    return pd.DataFrame([{"target_id": r[0], "event": r[1], "event_date": r[2], "part": r[3] if len(r) > 3 else "",
                          "source_id": f"S{i:08x}"} for i, r in enumerate(rows)],
                        columns=["target_id", "event", "event_date", "part", "source_id"])


def levels(evidence: pd.DataFrame, year: int) -> dict[str, str]:
    result = assess_commitments(TARGETS, evidence, year, 2021)
    return dict(zip(result["target_id"], result["level"]))


def test_the_highest_level_evidenced_up_to_the_report_year():
    ev = events(("T-1", "issued", "2022-03-01"), ("T-1", "completed", "2024-05-07"), ("T-3", "started", "2023"))
    assert levels(ev, 2023) == {"T-1": "planned", "T-2": "no_public_evidence", "T-3": "under_way",
                                "T-5": "no_public_evidence"}
    assert levels(ev, 2024)["T-2"] == "overdue_no_evidence"  # past its 2023 deadline, no completion
    assert levels(ev, 2024)["T-1"] == "implemented"
    assert set(levels(ev, 2021).values()) == {"no_public_evidence"}


@pytest.mark.parametrize("event, level", [("issued", "planned"), ("started", "under_way"),
                                          ("completed", "implemented"), ("result_reported", "implemented")])
def test_the_event_decides_the_level(event, level):
    assert levels(events(("T-1", event, "2023-05")), 2025)["T-1"] == level


def test_quantified_targets_are_not_commitments():
    assert "T-4" not in levels(events(), 2025)


def test_a_milestone_past_its_deadline_without_completion_is_overdue_and_completion_counts():
    ev = events(("T-2", "issued", "2022-06"))
    assert levels(ev, 2023)["T-2"] == "planned"  # the deadline year itself is not past
    assert levels(ev, 2024)["T-2"] == "overdue_no_evidence"
    assert levels(pd.concat([ev, events(("T-2", "completed", "2023-12"))]), 2024)["T-2"] == "implemented"


def test_a_milestone_is_completed_when_every_part_it_names_is_and_partly_when_some_are():
    steel = events(("T-5", "completed", "2023-06", "钢铁"))
    assert levels(steel, 2024)["T-5"] == "partly_completed"  # past the deadline, one of two parts done
    both = pd.concat([steel, events(("T-5", "result_reported", "2023-11", "水泥"))])
    assert levels(both, 2024)["T-5"] == "implemented"
    # a completion naming no part, or only started parts, does not complete a milestone that names parts
    assert levels(events(("T-5", "completed", "2023-06"), ("T-5", "started", "2022", "")), 2023)["T-5"] == "under_way"
    assert levels(events(("T-5", "completed", "2023-06")), 2024)["T-5"] == "overdue_no_evidence"
    result = assess_commitments(TARGETS, steel, 2024, 2021).set_index("target_id")
    assert result.loc["T-5", "parts_done"] == "钢铁"


@pytest.mark.parametrize("text, only", [
    ("济南市人民政府印发《济南市碳达峰工作方案》，部署碳达峰“十大工程”。", True),
    ("国务院批复同意《济南市国土空间总体规划(2021-2035年)》。", True),
    ("市政府办公厅印发新版《济南市重污染天气应急预案》，街道据此制定街道预案。", True),
    ("《济南市生活垃圾减量与分类管理条例》自2021年5月1日施行。", False),
    ("市政府印发实施方案，2023年完成230台燃气锅炉低氮改造。", False),
    ("小清河于2024年2月正式复航。", False),
])
def test_plan_issuance_wording_is_recognised(text, only):
    assert issuance_only(text) is only


def test_evidence_before_the_plan_period_does_not_count():
    assert levels(events(("T-1", "completed", "2019-12-31")), 2025)["T-1"] == "no_public_evidence"


def test_a_section_is_judged_by_the_median_of_its_commitments():
    level, counts = section_judgement(pd.Series(["implemented", "under_way", "planned", "no_public_evidence"]))
    assert level == "planned" and counts["implemented"] == 1 and counts["no_public_evidence"] == 1
    assert section_judgement(pd.Series(["implemented", "implemented", "planned"]))[0] == "implemented"
    assert section_judgement(pd.Series([], dtype=str))[0] == "no_public_evidence"


event_rows = st.lists(st.tuples(st.sampled_from(["T-1", "T-2", "T-3"]), st.sampled_from(EVENTS),
                                st.integers(2021, 2026), st.integers(1, 12)), max_size=8)


def as_events(rows) -> pd.DataFrame:
    return events(*[(t, lv, f"{y}-{m:02d}") for t, lv, y, m in rows])


@settings(max_examples=150, deadline=None)
@given(event_rows, event_rows, st.integers(2021, 2026))
def test_adding_evidence_never_lowers_a_level(rows, more, year):
    before, after = levels(as_events(rows), year), levels(as_events(rows + more), year)
    for target, level in before.items():
        if level != "overdue_no_evidence" and after[target] != "overdue_no_evidence":
            assert LEVEL_RANK[after[target]] >= LEVEL_RANK[level]
        if after[target] == "overdue_no_evidence":
            assert level == "overdue_no_evidence"


@settings(max_examples=150, deadline=None)
@given(event_rows, event_rows, st.integers(2021, 2025))
def test_evidence_dated_after_the_report_year_never_changes_an_edition(rows, later, year):
    late = [(t, lv, year + 1 + (y % 2), m) for t, lv, y, m in later]
    assert levels(as_events(rows), year) == levels(as_events(rows + late), year)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(LEVEL_ORDER), min_size=1, max_size=12), st.randoms())
def test_a_sections_judgement_is_a_function_of_its_commitments_only(levels_list, rnd):
    shuffled = list(levels_list)
    rnd.shuffle(shuffled)
    assert section_judgement(pd.Series(levels_list)) == section_judgement(pd.Series(shuffled))
    level, counts = section_judgement(pd.Series(levels_list))
    assert sum(counts.values()) == len(levels_list)
    # at least half of the commitments reach the section's level
    assert sum(LEVEL_RANK[x] >= LEVEL_RANK[level] for x in levels_list) * 2 >= len(levels_list)


# ---------------------------------------------------------------- the door

EVIDENCE = f"{PLAN_DIR}/evidence.csv"
GOOD = ("target_id,event,event_date,what_zh,what_en,source_id,quote\n"
        "KP1-2,started,2023-05-07,开展节能诊断,Energy audits carried out,S0000000a,全市开展工业节能诊断服务\n")


@pytest.mark.parametrize("old, new, column, rule", [
    ("KP1-2,", "KP1-9,", "target_id", "ref.target"),
    ("KP1-2,", "KP1-1,", "target_id", "evidence.target"),
    ("started", "almost_done", "event", "choice"),
    ("开展节能诊断", "印发节能诊断工作方案", "event", "evidence.issuance"),
    ("2023-05-07", "2019-05-07", "event_date", "evidence.date"),
    ("S0000000a", "S0000000f", "source_id", "ref.source"),
    ("S0000000a,全市开展工业节能诊断服务", "S0000000a,", "quote", "required"),
])
def test_bad_evidence_is_rejected_with_file_row_and_column(data_dir, old, new, column, rule):
    (data_dir / EVIDENCE).write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    report, _ = validate(data_dir)
    problems = [p for p in report.errors if p.rule == rule]
    assert [(p.file, p.row, p.column) for p in problems] == [(EVIDENCE, 2, column)], [str(p) for p in report.errors]


def test_good_evidence_loads(data_dir):
    (data_dir / EVIDENCE).write_text(GOOD, encoding="utf-8")
    report, dataset = validate(data_dir)
    assert report.ok and len(dataset.evidence) == 1


def test_every_evidence_row_of_the_plan_follows_the_issuance_rule():
    """No row whose event is only the issuing of a plan, notice or arrangement supports more than 'planned'."""
    files = sorted(SHIPPED_DATA.glob("plans/*/evidence.csv"))
    assert files
    for file in files:
        evidence = pd.read_csv(file)
        wrong = evidence[(evidence["event"] != "issued") & evidence["what_zh"].map(issuance_only)]
        assert wrong.empty, wrong[["target_id", "event_date", "what_zh"]].to_string()
