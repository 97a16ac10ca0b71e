"""scikit-learn: preprocessors and what they learn, splits, and the label-based metrics.

One row per class: its kind, and what `fit()` learns from the data
("statistics" such as a mean, a "vocabulary" of categories or words, or
"nothing" for a stateless transform such as `PolynomialFeatures`).  A
preprocessor that learns nothing cannot leak test statistics.
"""

from __future__ import annotations

from typing import NamedTuple

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, bool_of
from kast.analysis.dataflow import Data, Estimator, Folds, PredictionUse, Split
from kast.analysis.values import UNKNOWN_VALUE, Const, Method, Sequence, Value
from kast.libraries import common
from kast.libraries.common import EstimatorRow

_STATISTICS = "statistics"
_VOCABULARY = "vocabulary"
_NOTHING = "nothing"


def _rows(module: str, kind: str, learns: str, *names: str, labels: str | None = None) -> dict[str, EstimatorRow]:
    return {f"sklearn.{module}.{name}": EstimatorRow(kind, learns, labels) for name in names}


ESTIMATORS: dict[str, EstimatorRow] = {
    **_rows("preprocessing", "scaler", _STATISTICS, "StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler",
            "QuantileTransformer", "PowerTransformer", "KBinsDiscretizer", "SplineTransformer", "KernelCenterer"),
    **_rows("preprocessing", "scaler", _NOTHING, "Normalizer", "Binarizer", "PolynomialFeatures",
            "FunctionTransformer"),
    **_rows("preprocessing", "encoder", _VOCABULARY, "OrdinalEncoder", "MultiLabelBinarizer"),
    **_rows("preprocessing", "scaler", _STATISTICS, "TargetEncoder"),  # learns the target's means: a leak
    **_rows("preprocessing", "encoder", _VOCABULARY, "LabelEncoder", labels="integer"),
    **_rows("preprocessing", "encoder", _VOCABULARY, "LabelBinarizer", labels="binarized"),
    **_rows("preprocessing", "encoder", _VOCABULARY, "OneHotEncoder"),
    **_rows("impute", "imputer", _STATISTICS, "SimpleImputer", "KNNImputer", "IterativeImputer", "MissingIndicator"),
    **_rows("decomposition", "decomposition", _STATISTICS, "PCA", "IncrementalPCA", "KernelPCA", "SparsePCA",
            "TruncatedSVD", "NMF", "FastICA", "FactorAnalysis", "LatentDirichletAllocation", "DictionaryLearning",
            "MiniBatchSparsePCA", "MiniBatchNMF"),
    **_rows("random_projection", "decomposition", _NOTHING, "GaussianRandomProjection",
            "SparseRandomProjection"),
    **_rows("manifold", "decomposition", _STATISTICS, "Isomap", "LocallyLinearEmbedding"),
    # Embeddings for a plot: they have no transform() for new rows, so they never preprocess a model's input.
    **_rows("manifold", "embedding", _STATISTICS, "TSNE", "MDS", "SpectralEmbedding"),
    **_rows("feature_selection", "selector", _STATISTICS, "SelectKBest", "SelectPercentile", "VarianceThreshold",
            "RFE", "RFECV", "SelectFromModel", "SequentialFeatureSelector", "GenericUnivariateSelect",
            "SelectFpr", "SelectFdr", "SelectFwe"),
    **_rows("feature_extraction.text", "vectorizer", _VOCABULARY, "CountVectorizer", "TfidfVectorizer"),
    **_rows("feature_extraction.text", "vectorizer", _STATISTICS, "TfidfTransformer"),
    **_rows("feature_extraction.text", "vectorizer", _NOTHING, "HashingVectorizer"),
    **_rows("feature_extraction", "vectorizer", _VOCABULARY, "DictVectorizer"),
    **_rows("feature_extraction", "vectorizer", _NOTHING, "FeatureHasher"),
    **_rows("pipeline", "pipeline", _STATISTICS, "Pipeline", "FeatureUnion"),
    **_rows("compose", "pipeline", _STATISTICS, "ColumnTransformer", "TransformedTargetRegressor"),
}

class SplitterRow(NamedTuple):
    shuffles: bool | None  # its default: None when `shuffle=` decides (default False), True/False when fixed
    groups: bool = False  # keeps groups (or time order) together


# Cross-validation splitters: `split(X, y)` yields (train rows, held-out rows) per fold.
SPLITTERS = {f"sklearn.model_selection.{name}": row for name, row in {
    "KFold": SplitterRow(None), "StratifiedKFold": SplitterRow(None), "GroupKFold": SplitterRow(False, True),
    "StratifiedGroupKFold": SplitterRow(None, True), "RepeatedKFold": SplitterRow(True),
    "RepeatedStratifiedKFold": SplitterRow(True), "ShuffleSplit": SplitterRow(True),
    "StratifiedShuffleSplit": SplitterRow(True), "GroupShuffleSplit": SplitterRow(True, True),
    "TimeSeriesSplit": SplitterRow(False, True), "LeaveOneOut": SplitterRow(False), "LeavePOut": SplitterRow(False),
    "LeaveOneGroupOut": SplitterRow(False, True), "LeavePGroupsOut": SplitterRow(False, True),
    "PredefinedSplit": SplitterRow(False),
}.items()}
SPLITTER = EstimatorRow("splitter", "nothing")
# Searches and cross-validation that split the data they are given.
SEARCHES = frozenset(f"sklearn.model_selection.{name}" for name in (
    "GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV"))
SEARCH = EstimatorRow("search", "nothing")
CROSS_VALIDATION = frozenset(f"sklearn.model_selection.{name}" for name in (
    "cross_val_score", "cross_validate", "cross_val_predict", "learning_curve", "validation_curve",
    "permutation_test_score"))
# Function forms of preprocessors: `scale(X)` is `StandardScaler().fit_transform(X)`.
FUNCTION_FORMS = {
    "scale": "StandardScaler", "minmax_scale": "MinMaxScaler", "maxabs_scale": "MaxAbsScaler",
    "robust_scale": "RobustScaler", "normalize": "Normalizer", "quantile_transform": "QuantileTransformer",
    "power_transform": "PowerTransformer", "binarize": "Binarizer",
}

# Metrics that compare labels with labels: raw probabilities there are a bug.
LABEL_METRICS = frozenset(
    {"accuracy_score", "f1_score", "precision_score", "recall_score", "confusion_matrix", "classification_report",
     "balanced_accuracy_score", "precision_recall_fscore_support", "cohen_kappa_score", "matthews_corrcoef",
     "jaccard_score", "fbeta_score"}
)
# Methods of scikit-learn estimators (some share a name with a removed Keras model method).
ESTIMATOR_METHOD_NAMES = frozenset({"fit", "predict", "predict_proba", "predict_log_proba", "decision_function",
                                    "transform", "fit_transform", "score"})


def _make(context: Context, row: tuple[str, EstimatorRow], args: Args, node: cst.Call) -> Value:
    made = common.make_estimator(context, row, args, node)
    if isinstance(made, Estimator) and row[0].endswith(".OneHotEncoder") and _dense(args):
        made.labels = "onehot"
    return made


def _dense(args: Args) -> bool:
    """`OneHotEncoder(sparse_output=False)`: its output is a dense one-hot array."""
    for name in ("sparse", "sparse_output"):
        value = args.value(name)
        if value is not None:
            return isinstance(value, Const) and value.value is False
    return False


def _other_estimator(context: Context, qualname: str, args: Args, node: cst.Call) -> Value:
    """A scikit-learn class kast has no row for (a model, a splitter ...): fitting it is no preprocessing."""
    made = Estimator(qualname, node, None)
    context.picture.estimators.append(made)
    return made


def _resample(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`sklearn.utils.resample(x, ...)`: bootstrap rows (over-sampling unless replace=False)."""
    first = args.positional[0][0] if args.positional else None
    if not isinstance(first, Data):
        return UNKNOWN_VALUE
    # With replacement (the default) rows are copied; without, resample only picks some (down-sampling).
    with_replacement = bool_of(args.get("replace"), True) is True and not (args.starred and "replace" not in args.keywords)
    return lineage.resampled(first, node, over=with_replacement)


def _shuffle(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`sklearn.utils.shuffle(X, y)`: the same rows of each, in one random order."""
    shuffled = [lineage.reordered(value, node, "shuffled") if isinstance(value, Data) else UNKNOWN_VALUE
                for value, _ in args.positional]
    if len(shuffled) == 1:
        return shuffled[0]
    return Sequence(tuple(shuffled), node) if shuffled else UNKNOWN_VALUE


def _label_metric(context: Context, name: str, args: Args, node: cst.Call) -> Value:
    """`accuracy_score(y_true, y_pred)` and the like: the predictions are compared with labels."""
    pair = (args.get("y_true", 0), args.get("y_pred", 1))
    for item, other in (pair, pair[::-1]):
        if item is not None and isinstance(item[0], Data) and item[0].prediction is not None:
            context.picture.prediction_uses.append(PredictionUse(
                "label_metric", item[0].prediction, item[1].value, detail=name,
                other=other[0] if other is not None else None))
    return UNKNOWN_VALUE


def _function_form(context: Context, row: tuple[str, EstimatorRow], args: Args, node: cst.Call) -> Value:
    """`scale(X)`: an unnamed preprocessor fit on X, and X transformed by it."""
    made = common.make_estimator(context, row, args, node)
    data = args.get("X", 0)
    common.fit_event(context, made, data, node)
    base = data[0] if data is not None and isinstance(data[0], Data) else Data(node)
    return lineage.transformed(base, node, made)


def _cross_validation(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`cross_val_score(model, X, y, cv=5)`: X is split into folds."""
    inputs = tuple(item[0] for item in (args.get("X", 1), args.get("y", 2)) if item is not None)
    cv = args.value("cv")
    # cv=None or a number: (Stratified)KFold without shuffling.
    shuffles = cv.shuffles if isinstance(cv, Estimator) else False if cv is None or isinstance(cv, Const) else None
    groups = isinstance(cv, Estimator) and cv.groups or args.get("groups") is not None
    if inputs:
        context.picture.splits.append(Split(node, inputs, context.picture.tick(), shuffles, groups))
    return UNKNOWN_VALUE


def _make_splitter(context: Context, row: tuple[str, SplitterRow], args: Args, node: cst.Call) -> Value:
    qualname, spec = row
    made = common.make_estimator(context, (qualname, SPLITTER), args, node)
    assert isinstance(made, Estimator)
    made.shuffles = spec.shuffles if spec.shuffles is not None else bool_of(args.get("shuffle"), False)
    made.groups = spec.groups
    return made


def _split_folds(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`splitter.split(X, y)`: the folds of X."""
    splitter = method.receiver
    if not isinstance(splitter, Estimator) or splitter.kind != "splitter":
        return UNKNOWN_VALUE
    inputs = tuple(value for value, _ in args.positional[:2])
    context.picture.splits.append(Split(node, inputs, context.picture.tick(), splitter.shuffles, splitter.groups))
    return Folds(node)


def _search_fit(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`GridSearchCV(...).fit(X, y)` cross-validates: X is split into folds."""
    if isinstance(method.receiver, Estimator) and method.receiver.kind == "search":
        inputs = tuple(value for value, _ in args.positional[:2])
        context.picture.splits.append(Split(node, inputs, context.picture.tick()))
        return method.receiver
    return common.fit(context, method, args, node)


FUNCTIONS = {
    **{name: Callee(_make, (name, spec)) for name, spec in ESTIMATORS.items()},
    "sklearn.pipeline.make_pipeline": common.estimator("sklearn.pipeline.make_pipeline", common.PIPELINE),
    "sklearn.compose.make_column_transformer": common.estimator("sklearn.compose.make_column_transformer", common.PIPELINE),
    "sklearn.utils.resample": Callee(_resample),
    "sklearn.utils.shuffle": Callee(_shuffle),
    "sklearn.model_selection.train_test_split": Callee(common.split, True),
    **{f"sklearn.metrics.{name}": Callee(_label_metric, name) for name in LABEL_METRICS},
    **{name: Callee(_make_splitter, (name, row)) for name, row in SPLITTERS.items()},
    **{name: common.estimator(name, SEARCH) for name in SEARCHES},
    **{name: Callee(_cross_validation) for name in CROSS_VALIDATION},
    **{f"sklearn.preprocessing.{name}": Callee(_function_form, (f"sklearn.preprocessing.{cls}",
                                                                ESTIMATORS[f"sklearn.preprocessing.{cls}"]))
       for name, cls in FUNCTION_FORMS.items()},
}

METHODS = {Estimator: {**common.ESTIMATOR_METHODS[Estimator], "split": _split_folds, "fit": _search_fit}}


def resolve(qualname: str) -> Callee | None:
    """Other scikit-learn classes are estimators that are not preprocessing."""
    if qualname.startswith("sklearn.") and qualname.rsplit(".", 1)[1][:1].isupper():
        return Callee(_other_estimator, qualname)
    return None

