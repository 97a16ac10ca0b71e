"""imbalanced-learn: over- and under-samplers.

Over-sampling copies or synthesises rows (SMOTE, RandomOverSampler): done on
the whole data set before the split, copies of test rows reach training.
Under-sampling only drops rows (RandomUnderSampler, NearMiss): no row is copied.
"""

from __future__ import annotations

from kast.analysis.dataflow import Estimator
from kast.libraries import common
from kast.libraries.common import EstimatorRow

_OVER = EstimatorRow("resampler", sampling="over")
_UNDER = EstimatorRow("resampler", sampling="under")

_SAMPLERS = {
    "over_sampling": (_OVER, ("SMOTE", "ADASYN", "BorderlineSMOTE", "SVMSMOTE", "KMeansSMOTE", "SMOTENC", "SMOTEN",
                              "RandomOverSampler")),
    "under_sampling": (_UNDER, ("RandomUnderSampler", "NearMiss", "TomekLinks", "EditedNearestNeighbours",
                                "RepeatedEditedNearestNeighbours", "AllKNN", "CondensedNearestNeighbour",
                                "OneSidedSelection", "NeighbourhoodCleaningRule", "InstanceHardnessThreshold",
                                "ClusterCentroids")),
    "combine": (_OVER, ("SMOTEENN", "SMOTETomek")),  # SMOTE first, then cleaning: rows are synthesised
}

ESTIMATORS = {f"imblearn.{module}.{name}": row for module, (row, names) in _SAMPLERS.items() for name in names}

FUNCTIONS = {name: common.estimator(name, row) for name, row in ESTIMATORS.items()}

# `fit_sample` is the name imbalanced-learn used before 0.4.
METHODS = {Estimator: {"fit_resample": common.fit_resample, "fit_sample": common.fit_resample}}
FUNCTIONS.update({name: common.estimator(name, common.PIPELINE)
                  for name in ("imblearn.pipeline.Pipeline", "imblearn.pipeline.make_pipeline")})
