"""Drift between a reference table and a current one, column by column: :func:`drift`."""

from .compute import BINNED_METRICS, SAMPLE_METRICS, drift
from .report import DriftReport

__all__ = ["BINNED_METRICS", "DriftReport", "SAMPLE_METRICS", "drift"]
