"""Rubric models and the TOML loader."""

from grader.rubric.loader import load_rubric
from grader.rubric.model import Item, LoadMode, Rubric, Visibility

__all__ = ["Item", "LoadMode", "Rubric", "Visibility", "load_rubric"]
