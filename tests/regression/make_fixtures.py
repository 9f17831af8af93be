"""Regenerate the stored notebooks that tests/test_notebooks.py compares against.

    .venv/bin/python tests/regression/make_fixtures.py

Each fixture is a template with its placeholders filled and its parameters injected by papermill, executed
once. `data_dir` stays None so that the notebook reads the package's own data/ wherever the clone lives.
Run it after an intended change of a page's output, and review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm

from jinan_eval.config import TEMPLATE_DIR
from jinan_eval.data import load_dataset
from jinan_eval.edition.run import fill_placeholders, page_jobs, strip_volatile_metadata

HERE = Path(__file__).resolve().parent
FIXTURES = {  # fixture name: (report year, output page)
    "overview_2023.ipynb": (2023, "overview.ipynb"),
    "kp3_2025.ipynb": (2025, "kp3.ipynb"),
    "data_sources_2025.ipynb": (2025, "data_sources.ipynb"),
}


def main() -> None:
    dataset = load_dataset()
    for name, (year, page) in FIXTURES.items():
        job = next(j for j in page_jobs(dataset, year, "zh", Path("unused")) if j.output == page)
        params = {**job.parameters, "data_dir": None}
        nb = fill_placeholders(nbformat.read(TEMPLATE_DIR / job.template, as_version=4),
                               {**params, **job.placeholders})
        result = pm.execute_notebook(nb, None, parameters=params, kernel_name="python3", progress_bar=False,
                                     cwd=str(HERE))
        nbformat.write(strip_volatile_metadata(result), HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
