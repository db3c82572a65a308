"""Request headers as a case-insensitive mapping (Quay writes `Content-type`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive; a repeated header's values are joined with `, `."""

    _names: dict[str, str]
    _values: dict[str, str]

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        if isinstance(items, Headers):
            self._names, self._values = items._names, items._values
            return
        pairs = items.items() if isinstance(items, Mapping) else items
        self._names = {}
        self._values = {}
        for name, value in pairs:
            key = name.lower()
            if key in self._values:
                self._values[key] = f"{self._values[key]}, {value}"
            else:
                self._names[key] = name
                self._values[key] = value

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
        """(name as received, value) pairs."""
        return [(self._names[k], v) for k, v in self._values.items()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"
