"""Tests of input readers and path expansion."""
