"""`python -m toolkit` runs the `quay-contract` command line."""

import gc

gc.disable()  # start-up: resumed once the command is imported (toolkit.cli._app._started)

from toolkit.cli._app import run  # noqa: E402

if __name__ == "__main__":
    run()
