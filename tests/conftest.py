"""Shared fixtures: a small, valid data directory that each test can break in one way."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DATA = ROOT / "data"
SHIPPED_PLAN = "plans/jinan-14fyp-esr"



@functools.cache
def shipped_dataset():
    """The shipped data, loaded and validated once per test session (for tests that only read it)."""
    from jinan_eval.data import load_dataset

    return load_dataset(SHIPPED_DATA)


PLAN_ID = "test-plan"
PLAN_DIR = f"plans/{PLAN_ID}"
PLAN_YAML = """\
id: test-plan
title_zh: 测试方案
title_en: Test plan
document_number: 测试〔2023〕1号
issued: 2023-02-18
url: https://example.org/plan
base_year: 2020
target_year: 2025
region: jinan
benchmarks: [china]
report_title_zh: 测试评估报告
report_title_en: Test evaluation report
caveats:
  - zh: 测试注意事项。
    en: A test caveat.
"""

TABLES = {
    f"{PLAN_DIR}/sections.csv": """\
section_id,kind,number_zh,title_zh,title_en,lead_departments_zh,lead_departments_en
MAIN,main_targets,二,主要目标,Main targets,,
KP1,key_project,三（一）,重点行业绿色升级工程,Green upgrading of key industries,市工业和信息化局,Municipal Bureau of Industry and Information Technology
""",
    f"{PLAN_DIR}/targets.csv": """\
target_id,section_id,indicator_key,kind,base_year,target_value,unit,target_year,qualifier,label_zh,label_en,plan_text_zh
MAIN-1,MAIN,energy_intensity,reduction_vs_base,2020,14.8,%,2025,,单位GDP能耗下降14.8%,Energy intensity down 14.8%,全市单位地区生产总值能耗较2020年下降14.8%
KP1-1,KP1,green_factories,count,2020,40,家,2025,,创建绿色工厂40家,40 green factories,创建省级及以上绿色工厂40家
KP1-2,KP1,,qualitative,,,,2025,,开展工业节能诊断服务,Industrial energy audits,组织开展工业节能诊断服务
""",
    "indicators.csv": """\
indicator_key,name_zh,name_en,unit,direction,measure,section_id,definition_en
energy_intensity,单位地区生产总值能耗,Energy use per unit of GDP,吨标准煤/万元,lower,level,MAIN,Energy per GDP
green_factories,省级及以上绿色工厂,Green factories,家,higher,cumulative_added,KP1,Count
""",
    "regions.csv": """\
region,name_zh,name_en,kind
jinan,济南市,Jinan,city
china,全国,China,country
""",
    "observations/energy.csv": """\
indicator_key,region,year,value,unit,measure,base_year,period,qualifier,preferred,record_type,source_id,note
energy_intensity,jinan,2021,-3.5,%,yoy_change_pct,,year,,,observed,S0000000a,
energy_intensity,jinan,2022,-4.0,%,yoy_change_pct,,year,,,observed,S0000000a,
energy_intensity,china,2021,-2.7,%,yoy_change_pct,,year,,,observed,S0000000b,
green_factories,jinan,2023,12,家,cumulative_added,2020,year,,,observed,S0000000b,
""",
    "sources.csv": """\
source_id,title,issuer,date,doc_number,url,retrieved_from,retrieved_on,locator
S0000000a,济南市统计公报,济南市统计局,2023-03-01,,https://example.org/a,https://example.org/a,2026-11-25,第1段
S0000000b,全国统计公报,国家统计局,2022-02-28,,,https://news.example.com/b,2026-11-25,第2段
""",
    "hosts.csv": """\
host,kind,reason,owner
example.org,official,,统计局
news.example.com,outlet,,示例新闻
copies.example.net,copy,,
spam.example.biz,blocked,link_farm,
""",
    f"{PLAN_DIR}/search_log.csv": """\
target_id,searched_on,outcome,queries,where_searched,reason_zh,reason_en,closest_url
KP1-1,2026-11-25,found_partial_only,济南 绿色工厂 2021 | 济南 绿色工厂 2022,检索服务 pages 语料,仅有2023年累计数,Only a 2023 cumulative count,https://example.org/c
""",
}


def write_data_dir(root: Path) -> Path:
    for rel, text in TABLES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / PLAN_DIR / "plan.yaml").write_text(PLAN_YAML, encoding="utf-8")
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A minimal valid data directory in a temporary folder."""
    return write_data_dir(tmp_path / "data")


@pytest.fixture
def shipped_data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data directory, safe to modify."""
    target = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, target)
    return target


@pytest.fixture(autouse=True)
def _the_fast_tier_starts_no_kernel_and_no_sphinx(request, monkeypatch):
    """A test not marked slow or browser (the fast tier, `make test-fast`) may not start a notebook kernel or a Sphinx
    process: doing so fails it, naming the mark it needs."""
    if request.node.get_closest_marker("slow") or request.node.get_closest_marker("browser"):
        return

    def refuse(what):
        def fail(*args, **kwargs):
            raise AssertionError(f"{request.node.nodeid} starts {what}: mark it @pytest.mark.slow")
        return fail

    import subprocess as sp

    import jupyter_client.manager

    monkeypatch.setattr(jupyter_client.manager.KernelManager, "start_kernel", refuse("a kernel"))
    monkeypatch.setattr(jupyter_client.manager.AsyncKernelManager, "start_kernel", refuse("a kernel"))
    real_popen = sp.Popen

    def popen(args, *rest, **kwargs):
        if any("sphinx" in str(a) for a in (args if isinstance(args, (list, tuple)) else [args])):
            raise AssertionError(f"{request.node.nodeid} starts Sphinx: mark it @pytest.mark.slow")
        return real_popen(args, *rest, **kwargs)

    monkeypatch.setattr(sp, "Popen", popen)
