"""`python -m kast`: the same as the `kast` command."""

from kast.cli import main

if __name__ == "__main__":
    main()
