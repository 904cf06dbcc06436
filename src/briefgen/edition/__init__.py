"""The edition: the book as data (edition.json, annotations.jsonld), what changed since a previous edition, text fragments. No Sphinx."""
