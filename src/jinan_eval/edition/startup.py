"""What the build's processes do not import.

``jsonschema`` (imported by Altair in every kernel and by Jupyter Book in the Sphinx process) loads the optional
``rfc3987_syntax`` package when it is installed (here it is, through ``jupyter-events``): at import it compiles 38
grammars, about 1 s of each process's start-up. It checks only the JSON-schema format "iri", which neither the
Vega-Lite schema Altair validates charts against nor Jupyter Book's configuration schema uses, so the build's own
processes (the command line, each kernel, the Sphinx process) mark it as absent before anything imports it.
Nothing they produce changes (the regression tests compare the executed notebooks and pages byte for byte).
"""

from __future__ import annotations

import sys

#: optional modules that no schema the build validates needs
UNUSED_OPTIONAL_MODULES = ("rfc3987_syntax",)
#: the same, as one line of code for a process started by the build (a kernel)
SKIP_CODE = "; ".join(f"__import__('sys').modules.setdefault({name!r}, None)" for name in UNUSED_OPTIONAL_MODULES)


def skip_unused_imports() -> None:
    """Make ``import`` of each unused optional module fail with ImportError (as if it were not installed), unless
    it is already imported."""
    for name in UNUSED_OPTIONAL_MODULES:
        sys.modules.setdefault(name, None)
