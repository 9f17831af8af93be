"""Stage 4 · edition: papermill runs → Jupyter Book 1.x → atomic swap into ``_build/site/[en/]YEAR/``, downloads,
site index and version switchers.

Modules: ``run`` (the notebook pages, executed with papermill, a key per page), ``probe`` (a summary page's content,
hashed), ``warm`` (warm kernels),
``book`` (one edition end to end), ``sphinx_child`` (the Sphinx process, started early), ``startup`` (what the
build's processes do not import), ``downloads`` (CSV and xlsx), ``workbook`` (the data-request workbook),
``sphinx_ext`` (a Sphinx extension the book loads).
"""
