"""K000 syntax-error: the file cannot be analysed.

## What it does
Reports a file that kast cannot read or parse: a syntax error (the location is
the parser's), bytes that are not valid in the file's encoding, a binary file,
or a file too large or too deeply nested to analyse safely.

## Why is this bad?
Python will refuse to run the script, and kast cannot check it: none of its
other rules can say anything about this file.  The other files are still
analysed.

## Example
```python
print "training done"
```

Use instead:
```python
print("training done")
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires

CODE = "K000"
NAME = "syntax-error"
SEVERITY = Severity.ERROR

FIRES = (
    Fires('import keras\nprint "epoch done"\n', line=2),
    Fires("from tensorflow import keras\nmodel = keras.Sequential([\n", line=2),
)
SILENT = (
    "",
    "import keras\nprint('epoch done')\n",
)


def check(picture: Picture) -> Iterator[Finding]:
    """Reported by the engine before a picture exists; nothing to judge here."""
    return iter(())
