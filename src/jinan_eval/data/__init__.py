"""Stage 1 · data: files → one validated :class:`Dataset` (the door: repair what is safe, else name file/row/column).

Modules: ``schema`` (the data dictionary), ``read`` (one CSV at the door), ``load`` (every table and
cross-reference → Dataset), ``ingest`` (collected raw files → observations and sources), ``problems``.
"""

from .load import Dataset, load_dataset, validate
from .problems import DataValidationError, Report

__all__ = ["Dataset", "DataValidationError", "Report", "load_dataset", "validate"]
