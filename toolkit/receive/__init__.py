"""Receive Quay webhooks: a framework-neutral receiver and thin adapters for web frameworks.

```python
from toolkit.receive import Receiver

quay = Receiver()

@quay.on("build_failure")
def incident(delivery): ...
```

Mount it with `toolkit.receive.fastapi.router(quay)` (or `.starlette.routes`), `.flask.blueprint`
or `.django.urls`, each behind its extra (`pip install 'quay-webhook-contracts[fastapi]'`, ...).
"""

from toolkit.receive.answer import Answer
from toolkit.receive.dedup import KEYED_EVENTS, content_hash, dedup_key
from toolkit.receive.delivery import Delivery
from toolkit.receive.headers import Headers
from toolkit.receive.receiver import Incoming, Receiver
from toolkit.receive.secret import Secret
from toolkit.validation.policy import ResponsePolicy

__all__ = [
    "KEYED_EVENTS",
    "Answer",
    "Delivery",
    "Headers",
    "Incoming",
    "Receiver",
    "ResponsePolicy",
    "Secret",
    "content_hash",
    "dedup_key",
]
