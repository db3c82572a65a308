"""Tests of validation: verdicts, explanations, fast paths, the validate command."""
