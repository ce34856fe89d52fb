"""A deterministic generator of realistic raw Beiwe exports, with the true daily values written beside.

Accuracy is measured against what really happened in the simulation, not only against another tool.
"""

from __future__ import annotations

from withcare.sensing.synthetic.study import StudyPlan, generate_study

__all__ = ["StudyPlan", "generate_study"]
