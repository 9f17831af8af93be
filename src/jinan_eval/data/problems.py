"""Problems found in the data: each names the file, the row, the column and the rule broken."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding. ``row`` is the line number in the file as an editor shows it (header = line 1)."""

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        col = f" column '{_clip(self.column, 60)}'" if self.column else ""
        return f"{self.severity.upper()} {where}{col} [{self.rule}] {_clip(self.message, MESSAGE_CHARS)}"


#: a problem line stays readable whatever the offending cell holds (a 2 MB cell is not echoed)
MESSAGE_CHARS = 300


def _clip(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


@dataclass
class Report:
    """Collects problems so that every one of them is reported together, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, row: int | None, column: str | None, rule: str, message: str) -> None:
        self.problems.append(Problem(file, row, column, rule, message, "error"))

    def warning(self, file: str, row: int | None, column: str | None, rule: str, message: str) -> None:
        self.problems.append(Problem(file, row, column, rule, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def rules(self) -> set[str]:
        return {p.rule for p in self.problems}


class DataValidationError(Exception):
    """Raised when the data directory does not pass validation; carries every problem found."""

    def __init__(self, report: Report):
        self.report = report
        lines = [str(p) for p in report.errors]
        super().__init__(f"{len(lines)} data error(s):\n" + "\n".join(lines))
