"""The briefing core: the model, reading YAML with positions, loading, validation, dates, scales, errors and text normalisation. No Sphinx."""
