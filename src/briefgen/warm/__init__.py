"""Warm builds: what a process keeps between builds (the front half's caches, kept Sphinx applications, file states, the no-op stamp) and the Sphinx-internal shortcuts a kept application uses."""
