"""Tests of fuzz: the generator, strategies, the pytest plugin."""
