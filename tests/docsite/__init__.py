"""Tests of the docs site: generated pages, hooks, guides, the browser test."""
