"""Tests of diff: the rule suite, realistic edits, the command."""
