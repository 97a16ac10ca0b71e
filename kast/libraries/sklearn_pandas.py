"""sklearn-pandas: `DataFrameMapper`, a column-wise pipeline of scikit-learn preprocessors."""

from __future__ import annotations

from kast.libraries import common

FUNCTIONS = {
    "sklearn_pandas.DataFrameMapper": common.estimator("sklearn_pandas.DataFrameMapper", common.PIPELINE),
}
