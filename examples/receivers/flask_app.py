"""A Flask app receiving Quay webhooks at POST /quay/<event>.

pip install 'quay-webhook-contracts[flask]'
python examples/receivers/flask_app.py --port 8000
"""

from __future__ import annotations

import argparse

from flask import Flask
from hooks import configure_logging, quay

from toolkit.receive.flask import blueprint

app = Flask(__name__)
app.register_blueprint(blueprint(quay))  # POST /quay/<event>, and /quay (event detected)

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    configure_logging()
    # Flask's own (werkzeug) server, threaded; behind a WSGI server (gunicorn ...) in production.
    app.run(host=args.host, port=args.port, threaded=True)
