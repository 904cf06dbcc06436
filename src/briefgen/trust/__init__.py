"""Trust: anchoring every quote in its source, the support, attribution and estimative-language checks, the lint and the review sheet. No Sphinx."""
