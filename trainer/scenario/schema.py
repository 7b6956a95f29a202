"""JSON Schema (draft 2020-12) of the scenario format, generated from the loader's own field kinds."""

from __future__ import annotations

from trainer import __version__
from trainer.scenario.model import SCENARIO_KIND

SCHEMA_ID = "https://trainer.example.org/schema/scenario.schema.json"


def scenario_schema() -> dict:
    defs: dict = {}
    root = SCENARIO_KIND.schema(defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "trainer scenario",
        "description": f"A branching role-play scenario for trainer {__version__}. One file per scenario; "
                       "the file name (without .yaml) is its id.",
        **root,
        "$defs": defs,
    }
