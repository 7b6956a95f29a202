"""Pure scoring: graph dynamic programming and attempt scores. No I/O, no UI, no database."""

from scoring.graph import Edge, Extremes, Graph, LoopError, extremes, path_count, reachable, strongly_connected
from scoring.score import (AttemptScore, SkillResult, SkillRule, assessed_skills, linear_coefficients, percent,
                           score_attempt)

__all__ = [
    "AttemptScore", "Edge", "assessed_skills", "Extremes", "Graph", "LoopError", "SkillResult", "SkillRule", "extremes",
    "linear_coefficients", "path_count", "percent", "reachable", "score_attempt", "strongly_connected",
]
