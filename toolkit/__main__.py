"""`python -m toolkit` runs the `quay-contract` command line."""

from toolkit.cli.quick import main

if __name__ == "__main__":
    main()
