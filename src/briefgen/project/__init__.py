"""Project files: starting a briefing (init), adding a source, the JSON Schemas for editors."""
