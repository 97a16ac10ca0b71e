"""What library calls do outside the values kast follows: train, read data, write files, plot, start programs.

The runtime verifier reads these to decide which statements of a script a
build slice may run (`kast.verify.slicer`) and which methods its child turns
off (`kast.verify.child`).  Names are matched on the last part of the called
name (`pd.read_csv`, `model.fit`, `plt.show`) unless a table says it holds
module names.  Whatever the other library tables already know (model
methods, estimator methods, loaders, datasets) is read from them, not listed
again here.
"""

from __future__ import annotations

from kast.analysis.dataflow import Estimator, Generator
from kast.analysis.interpreter import MUTATING_METHODS as PYTHON_MUTATING_METHODS
from kast.analysis.models import IDENTITY, RESHAPE, Layer, Model
from kast.libraries import METHODS as LIBRARY_METHODS
from kast.libraries import common, numpy, pandas, sklearn, tf_data
from kast.libraries.keras import layers, loaders, models


def _last_names(qualnames: object) -> frozenset[str]:
    return frozenset(name.rsplit(".", 1)[-1] for name in qualnames)  # type: ignore[attr-defined]


# Model methods by what they do (kast.libraries.keras.models).
TRAINING_METHODS = frozenset(name for name, role in models.METHOD_ROLES.items() if role == models.TRAIN)
INFERENCE_METHODS = frozenset(name for name, role in models.METHOD_ROLES.items() if role != models.TRAIN)
# Methods that fit a preprocessor or transform data with it (scikit-learn, imbalanced-learn, the Tokenizer,
# Keras preprocessing layers), and those of them that change the object (it learns).
FITTING_METHODS = frozenset(LIBRARY_METHODS.get(Estimator, {})) | frozenset(LIBRARY_METHODS.get(Layer, {}))
LEARNING_METHODS = frozenset(name for name, hook in LIBRARY_METHODS.get(Estimator, {}).items()
                             if hook in (common.fit, common.fit_only, common.fit_transform, common.fit_resample,
                                         sklearn.METHODS[Estimator]["fit"])) \
    | frozenset(LIBRARY_METHODS.get(Layer, {}))
SPLIT_FUNCTIONS = _last_names(n for n in sklearn.FUNCTIONS
                              if ".model_selection." in n and n.rsplit(".", 1)[1][:1].islower())

# Calls that read data: loaders, readers, datasets, directory listings.
_READERS = ("open", "load", "loads", "loadtxt", "genfromtxt", "fromfile", "memmap", "read_csv", "read_excel",
            "read_json", "read_parquet", "read_table", "read_sql", "read_pickle", "read_feather", "read_hdf",
            "read_fwf", "load_dataset", "load_model", "load_weights", "imread", "get_file", "urlopen",
            "urlretrieve", "download", "from_generator", "TFRecordDataset", "list_files", "make_csv_dataset",
            "glob", "listdir", "scandir", "walk", "read_text", "read_bytes")
DATA_READING_CALLS = frozenset(_READERS) | _last_names(loaders.FUNCTIONS) | _last_names(tf_data.FUNCTIONS) \
    | frozenset(loaders.METHODS[Generator]) | frozenset({"load_data"}) \
    | _last_names(n for n in (*numpy.FUNCTIONS, *pandas.FUNCTIONS) if n.rsplit(".", 1)[-1].startswith(("load",
                                                                                                      "read")))
# Calls that write files, plot or display, start programs or reach the network.
WRITING_CALLS = frozenset({"save", "save_weights", "savefig", "to_csv", "to_pickle", "to_parquet", "dump", "write",
                           "write_text", "write_bytes", "mkdir", "makedirs", "remove", "unlink", "rmtree", "rename",
                           "copyfile", "move", "export"})
DISPLAY_CALLS = frozenset({"show", "plot", "imshow", "subplots", "figure", "hist", "scatter", "heatmap", "plot_model",
                           "display"})
PROCESS_CALLS = frozenset({"system", "popen", "Popen", "check_call", "check_output", "exit", "quit", "input",
                           "sleep", "connect", "log_metric", "log_param", "start_run", "exec", "eval", "__import__",
                           "breakpoint"})

# A statement making one of these calls is never run in a build slice.
NOT_RUN_CALLS = TRAINING_METHODS | INFERENCE_METHODS | FITTING_METHODS | SPLIT_FUNCTIONS | DATA_READING_CALLS \
    | WRITING_CALLS | DISPLAY_CALLS | PROCESS_CALLS
# Modules whose calls are never run, whatever the function (module names).
NOT_RUN_MODULES = ("keras.datasets", "tensorflow.keras.datasets", "tensorflow.data", "tensorflow.io",
                   "tensorflow_datasets", "requests", "urllib", "subprocess", "shutil", "socket", "pickle", "joblib",
                   "matplotlib", "seaborn", "mlflow", "wandb", "kagglehub", "datasets", "os", "sys", "pathlib",
                   "glob", "cv2", "PIL", "h5py")
# Model methods that change the model in place: statements calling them on the model build it.
MODEL_BUILD_METHODS = frozenset(name for name, hook in models.METHODS[Model].items()
                                if hook in (models.add, models.pop, models.compile_model)) | frozenset({"build"})

# Calls whose presence makes a local function a data helper (the slice never runs it).
DATA_HELPER_CALLS = DATA_READING_CALLS | TRAINING_METHODS | frozenset({"evaluate", "predict"}) \
    | tf_data.PIPELINE_ONLY_STEPS
# ... and the modules (module names) whose use does.
DATA_HELPER_MODULES = ("tensorflow.data", "tensorflow.io", "tensorflow_datasets", "keras.datasets",
                       "tensorflow.keras.datasets", "datasets", "pandas", "requests", "urllib", "kagglehub")

# Methods that change their object in place (called, or passed as a callback: `.apply(vocab.update)`):
# Python's containers', and the library methods that learn or set state.
MUTATING_METHODS = PYTHON_MUTATING_METHODS | LEARNING_METHODS \
    | frozenset({"apply", "set_vocabulary", "set_weights", "build_vocab", "__setitem__"})

# Modules whose import never fails where --verify runs (it installs them).
ALWAYS_INSTALLED = ("keras", "tensorflow", "numpy", "__future__")

# What the verifier's child does to model methods: training and writing become no-ops, the rest is refused.
NO_OP_MODEL_METHODS = tuple(sorted(TRAINING_METHODS | {"save", "save_weights", "load_weights", "export"}))
REFUSED_MODEL_METHODS = tuple(sorted(INFERENCE_METHODS))

# Layers whose output has the values of their input (an output's activation shows through them).
PASS_THROUGH_LAYERS = frozenset(name for name, row in layers.LAYERS.items() if row.role in (IDENTITY, RESHAPE))
