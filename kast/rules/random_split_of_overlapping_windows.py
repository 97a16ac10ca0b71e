"""K603 random-split-of-overlapping-windows: overlapping windows of one series split at random.

## What it does
Checks random splits (`train_test_split` without `shuffle=False`,
`KFold(shuffle=True)`, `ShuffleSplit`) of samples that are overlapping windows
over one series: a loop appending `series[i:i + w]` with a step below `w`, or
`timeseries_dataset_from_array` / `TimeseriesGenerator` output turned into
arrays.  Silent with `shuffle=False`, `TimeSeriesSplit`, group splits and
windows that do not overlap.

## Why is this bad?
Two windows one step apart share all but one of their time steps.  Split at
random, almost every test window has near-copies in the training set: the
model is tested on what it has seen, the test error is far too optimistic,
and the forecast fails on the real future.

## Example
```python
for i in range(len(series) - 168):
    X.append(series[i:i + 168])
    y.append(series[i + 168])
X_train, X_test, y_train, y_test = train_test_split(np.array(X), np.array(y), test_size=0.2)
```

Use instead:
```python
X_train, X_test, y_train, y_test = train_test_split(np.array(X), np.array(y), test_size=0.2, shuffle=False)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import Data
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires

CODE = "K603"
NAME = "random-split-of-overlapping-windows"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
series = pd.read_csv("load.csv")["mw"].to_numpy()
X, y = [], []
for i in range(len(series) - 168):
    X.append(series[i:i + 168])
    y.append(series[i + 168])
X_train, X_test, y_train, y_test = train_test_split(np.array(X), np.array(y), test_size=0.2)
""", line=10),
    Fires("""
import numpy as np
import keras
from sklearn.model_selection import KFold
data = np.load("climate.npy")
ds = keras.utils.timeseries_dataset_from_array(data[:-96], targets=data[96:, 1], sequence_length=72)
X = np.concatenate([x for x, _ in ds])
for train_idx, test_idx in KFold(n_splits=5, shuffle=True).split(X):
    pass
""", line=8),
)
SILENT = (
    """
import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit, train_test_split
series = pd.read_csv("load.csv")["mw"].to_numpy()
X, y = [], []
for i in range(len(series) - 168):
    X.append(series[i:i + 168])
    y.append(series[i + 168])
X_train, X_test, y_train, y_test = train_test_split(np.array(X), np.array(y), test_size=0.2, shuffle=False)
for train_idx, test_idx in TimeSeriesSplit(n_splits=4).split(np.array(X)):
    pass
""",
    """
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
series = pd.read_csv("load.csv")["mw"].to_numpy()
X = np.array([series[i:i + 24] for i in range(0, len(series) - 24, 24)])
X_train, X_test = train_test_split(X, test_size=0.2)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for split in picture.splits:
        if split.shuffles is not True or split.groups:
            continue
        windows = next((value.windows for value in split.inputs
                        if isinstance(value, Data) and value.windows is not None), None)
        if windows is None:
            continue
        yield Finding(
            node=split.node,
            message=(
                "The samples are overlapping windows over one series, and this split draws them at random: "
                "almost every test window has near-copies (shifted by a step) in the training set, so the "
                "test score measures memory, not forecasting, and is far too optimistic."
            ),
            hint="Split in time order: train_test_split(..., shuffle=False), TimeSeriesSplit for "
                 "cross-validation, or leave a gap of one window between the parts.",
            related=((windows.node, "overlapping windows made here"),),
        )
