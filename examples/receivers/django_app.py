"""A one-file Django project receiving Quay webhooks at POST /quay/<event>.

pip install 'quay-webhook-contracts[django]'
python examples/receivers/django_app.py --port 8000
"""

from __future__ import annotations

import argparse
import sys

from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="example-only-not-secret",
    MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],  # the webhook view is exempt
    LOGGING_CONFIG=None,  # keep the example's own logging
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from hooks import configure_logging, quay  # noqa: E402

from toolkit.receive.django import urls  # noqa: E402

urlpatterns = [*urls(quay)]  # POST quay/<event>, and quay (event detected)
application = get_wsgi_application()  # for a WSGI server, and for tests

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    configure_logging()
    # Django's own server (runserver), without the autoreloader; a WSGI server in production.
    execute_from_command_line([sys.argv[0], "runserver", f"{args.host}:{args.port}", "--noreload"])
