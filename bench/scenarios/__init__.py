"""The bench's scenarios, each a function ``run(context) -> ScenarioResult``."""
