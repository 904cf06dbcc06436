"""Building the book: the project's layout and lock, running Sphinx's builders, publishing atomically."""
