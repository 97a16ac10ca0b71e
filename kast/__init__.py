"""kast: a static analyser for Keras training scripts."""

__version__ = "0.1.0"
# The name kast is published under on PyPI (`pip install kast-lint`); the command is `kast`.
DISTRIBUTION = "kast-lint"
