"""The generated pydantic models: datamodel-code-generator over the schemas, patterns made exact.

`models(root)` is regenerate's producer for `generated/` (imported as `toolkit.models`).
"""

from toolkit.modelgen.codegen import MODELS_DIR, models
from toolkit.modelgen.patterns import UnportablePatternError, rewrite

__all__ = ["MODELS_DIR", "UnportablePatternError", "models", "rewrite"]
