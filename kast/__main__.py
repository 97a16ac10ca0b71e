"""`python -m kast`: the same as the `kast` command."""

from kast.cli import run

if __name__ == "__main__":
    run()
