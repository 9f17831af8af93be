"""jinan-eval: a reproducible evaluation report of a plan's targets and commitments (the plan itself is data, under
data/plans/<plan-id>/; the package's name is a name, not a plan it knows)."""

__version__ = "0.1.0"
