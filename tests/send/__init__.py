"""Tests of send: delivery to a consumer endpoint."""
