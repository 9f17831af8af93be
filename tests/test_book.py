"""Edition identity and checks on built HTML (fast parts; full builds are in test_build_fault/test_e2e)."""

from __future__ import annotations

import json

from jinan_eval.data import load_dataset
from jinan_eval.edition.book import (
    Edition,
    book_config,
    check_links,
    data_hash,
    edition_years,
    latest_edition_year,
    manifest_for,
    toc,
    write_site_index,
)
from jinan_eval.edition.run import page_jobs

from conftest import SHIPPED_DATA


def test_data_hash_changes_with_any_data_byte(shipped_data_copy):
    before = data_hash(shipped_data_copy)
    assert before == data_hash(shipped_data_copy)
    path = shipped_data_copy / "regions.csv"
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert data_hash(shipped_data_copy) != before


def test_editions_run_from_2021_to_the_latest_year_with_data():
    dataset = load_dataset()
    years = edition_years(dataset)
    assert years[0] == 2021 and years[-1] == latest_edition_year(dataset) <= 2025


def test_manifest_and_config_carry_the_edition_identity():
    dataset = load_dataset()
    edition = Edition(2024)
    manifest = manifest_for(edition, dataset, SHIPPED_DATA)
    assert set(manifest) >= {"parameters", "package_version", "git_commit", "data_hash", "built_at", "data_cutoff"}
    config = book_config(edition, manifest, dataset)
    options = config["sphinx"]["config"]["html_theme_options"]
    assert "2024" in config["title"] and manifest["data_cutoff"] in options["announcement"]
    assert options["switcher"]["version_match"] == "2024"
    pages = [job.page for job in page_jobs(dataset, 2024, "zh", SHIPPED_DATA)]
    chapters = [c["file"] for c in toc(pages)["chapters"]]
    assert chapters[:len(pages)] == pages and chapters[:3] == ["overview", "main", "kp1"]


def test_check_links_finds_missing_files_and_external_loads(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html">b</a><a href="https://example.org">ok</a>'
                                     '<script src="https://cdn.example/x.js"></script><img src="missing.svg">',
                                     encoding="utf-8")
    (tmp_path / "b.html").write_text("", encoding="utf-8")
    problems = check_links(tmp_path)
    assert any("another host: https://cdn.example/x.js" in p for p in problems)
    assert any("missing missing.svg" in p for p in problems)
    assert not any("b.html" in p for p in problems)


def test_site_index_and_switcher_list_built_editions(tmp_path):
    for year in (2023, 2024):
        folder = tmp_path / "site" / str(year)
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"edition": year, "lang": "zh"}), encoding="utf-8")
    write_site_index(load_dataset().plan, tmp_path)
    switcher = json.loads((tmp_path / "site" / "switcher.json").read_text(encoding="utf-8"))
    assert [e["version"] for e in switcher] == ["2024", "2023"]
    assert switcher[0]["preferred"] is True and switcher[0]["url"] == "../2024/"
    assert "2024/index.html" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_each_language_switcher_offers_the_other_language(tmp_path):
    site = tmp_path / "site"
    for lang, year in (("zh", 2024), ("zh", 2023), ("en", 2024)):
        folder = site / (str(year) if lang == "zh" else f"en/{year}")
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"edition": year, "lang": lang}), encoding="utf-8")
    write_site_index(load_dataset().plan, tmp_path)
    zh = json.loads((site / "switcher.json").read_text(encoding="utf-8"))
    en = json.loads((site / "en" / "switcher.json").read_text(encoding="utf-8"))
    # its own editions first, then the other language's, each reachable from an edition folder of this language
    assert [(e["version"], e["url"]) for e in zh] == [("2024", "../2024/"), ("2023", "../2023/"),
                                                      ("2024-en", "../en/2024/")]
    assert [(e["version"], e["url"]) for e in en] == [("2024", "../2024/"), ("2024-zh", "../../2024/"),
                                                      ("2023-zh", "../../2023/")]
    assert zh[-1]["name"] == "2024 English edition" and en[1]["name"] == "2024年度中文版"
    for entries, lang_dir in ((zh, site / "2024"), (en, site / "en" / "2024")):
        for entry in entries:
            assert (lang_dir / entry["url"] / "manifest.json").resolve().exists(), entry


def test_the_book_template_holds_no_plan_value():
    """_config.yml is shared by every plan: the title, the author and the repository are set per edition."""
    import yaml

    from jinan_eval.config import BOOK_CONFIG_TEMPLATE

    text = BOOK_CONFIG_TEMPLATE.read_text(encoding="utf-8")
    template = yaml.safe_load(text)
    plan = load_dataset().plan
    assert plan.report_title_zh not in text and plan.report_title_en not in text
    assert "http" not in text, "no web address: the plan's repository_url sets one"
    options = template["sphinx"]["config"]["html_theme_options"]
    assert "url" not in template.get("repository", {}) and "repository_url" not in options
    assert not any(template["html"][k] or options[k] for k in ("use_issues_button", "use_repository_button"))


def test_the_editions_config_takes_its_title_and_repository_from_the_plan():
    from dataclasses import replace

    dataset = load_dataset()
    edition = Edition(2024, "en")
    manifest = manifest_for(edition, dataset, SHIPPED_DATA)
    config = book_config(edition, manifest, dataset)
    options = config["sphinx"]["config"]["html_theme_options"]
    assert dataset.plan.report_title_en in config["title"] and "2024" in config["title"]
    assert dataset.plan.repository_url == "" and "repository" not in config and "repository_url" not in options
    assert not any(config["html"][k] or options[k] for k in ("use_issues_button", "use_repository_button"))
    other = replace(dataset, plan=replace(dataset.plan, report_title_zh="另一方案评估", repository_url="https://example.org/r"))
    config = book_config(Edition(2024, "zh"), manifest, other)
    options = config["sphinx"]["config"]["html_theme_options"]
    assert "另一方案评估" in config["title"]
    assert config["repository"]["url"] == options["repository_url"] == "https://example.org/r"
    assert all(config["html"][k] and options[k] for k in ("use_issues_button", "use_repository_button"))


def make(*args: str, dry: bool = True) -> str:
    """What make runs (``make -n``: printed, not run), or what it says (``dry=False``, for help)."""
    import subprocess

    from conftest import ROOT

    proc = subprocess.run(["make", "--no-print-directory", *(["-n"] if dry else []), *args], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_make_passes_the_plan_to_every_command():
    lines = [line for line in make("report", "report-all", "validate", "PLAN=other-plan", "YEAR=2023").splitlines()
             if "jinan-eval " in line]
    assert len(lines) == 6 and all("--plan other-plan" in line for line in lines)  # validate, 2 builds, 2 all, validate
    assert not any("--plan" in line for line in make("report", "report-all", "validate").splitlines())


def test_make_help_says_how_to_choose_a_plan():
    said = make("help", dry=False)
    assert "PLAN=<id>" in said and "YEAR=" in said
    assert "2021" not in said  # the first report year is the plan's
