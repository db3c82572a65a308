"""The URLconf of the Django tests: `frameworks.app` fills it with the adapter's patterns."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
