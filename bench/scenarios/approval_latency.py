"""(b) From a moderator's approval until the polling attendees see the question."""

from bench.findings import ScenarioResult


def run(context) -> ScenarioResult:
    result = ScenarioResult("b", "(b) approval to visible")
    result.skipped = "this commit has no live feed yet (issue 3)"
    return result
