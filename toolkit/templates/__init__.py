"""Quay webhook body templates: render them exactly as Quay does, and check them against events.

- `save(template)` and `deliver(template, payload)`: what Quay answers when the notification is
  saved (201/400/500), and the exact body one delivery POSTs, or the exception it raises;
- `lint(template, events)`: static findings, each expression evaluated over the events' schemas;
- `check(data, source, Options(...))`: a template file or a saved notification list, with
  evidence from rendering the events' examples, test notifications and generated payloads.

Rendering needs jsonpath-rw 1.4 (`pip install 'quay-webhook-contracts[templates]'`); importing
this package does not.
"""

from toolkit.templates.check import Options, Result, check
from toolkit.templates.engine import Delivery, QuayError, Saved, deliver, render, save
from toolkit.templates.findings import Finding
from toolkit.templates.lint import Lint, lint
from toolkit.templates.releases import CURRENT, FAMILIES, Family, family
from toolkit.templates.rules import RULES, Rule

__all__ = [
    "CURRENT",
    "FAMILIES",
    "RULES",
    "Delivery",
    "Family",
    "Finding",
    "Lint",
    "Options",
    "QuayError",
    "Result",
    "Rule",
    "Saved",
    "check",
    "deliver",
    "family",
    "lint",
    "render",
    "save",
]
