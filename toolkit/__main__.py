"""`python -m toolkit` runs the `quay-contract` command line."""

from toolkit.cli._app import run

if __name__ == "__main__":
    run()
