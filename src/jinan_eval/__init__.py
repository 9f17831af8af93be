"""jinan-eval: evaluation of Jinan's 14th Five-Year energy-saving and emission-reduction plan."""

__version__ = "0.1.0"
