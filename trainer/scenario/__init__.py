"""Scenarios as trainers write them: the YAML format, reading with locations, the model, loading, lint,
the library and its cache, the schema, starter files, graphs and path analysis. Imports scoring; never textual."""
