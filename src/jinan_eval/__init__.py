"""jinan-eval: a reproducible evaluation report of a plan's targets and commitments (first plan: Jinan's 14th FYP
energy-saving and emission-reduction plan; the plan itself is data, under data/plans/)."""

__version__ = "0.1.0"
