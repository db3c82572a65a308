"""Tests of the contract: schemas, models, detection index."""
