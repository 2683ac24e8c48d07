"""(c) A burst of questions from 100 concurrent clients through POST /api/questions."""

from bench.findings import ScenarioResult


def run(context) -> ScenarioResult:
    result = ScenarioResult("c", "(c) question burst")
    result.skipped = "this commit has no POST /api/questions yet (issue 3)"
    return result
