"""Tests of the command line: shared behaviour and golden outputs."""
