"""evalkit: reproducible evaluation of municipal coordinators against violence in close relationships."""

__version__ = "0.1.0"
