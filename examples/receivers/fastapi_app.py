"""A FastAPI app receiving Quay webhooks at POST /quay/{event}.

pip install 'quay-webhook-contracts[fastapi]' uvicorn
python examples/receivers/fastapi_app.py --port 8000
"""

from __future__ import annotations

import argparse

from fastapi import FastAPI
from hooks import configure_logging, quay

from toolkit.receive.fastapi import router

app = FastAPI(title="Quay webhooks")
app.include_router(router(quay))  # POST /quay/{event}, and /quay (event detected)

if __name__ == "__main__":
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    configure_logging()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
