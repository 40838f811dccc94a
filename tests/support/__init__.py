"""Test helpers shared by the test modules: a local HTTP server and its fixture."""
