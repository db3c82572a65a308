"""Tests of capture: listen, the recorder, replay, drift."""
