"""Stage 4 · edition: papermill runs → Jupyter Book 1.x → atomic swap into ``_build/site/[en/]YEAR/``, downloads,
site index and version switchers.

Modules: ``run`` (the notebook pages, executed with papermill), ``book`` (one edition end to end),
``downloads`` (CSV and xlsx), ``sphinx_ext`` (a Sphinx extension the book loads).
"""
