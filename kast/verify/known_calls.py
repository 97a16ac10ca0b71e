"""What the verifier knows about other people's calls, as data: every such table in one place.

The slicer reads these to decide which statements of a script a build slice
may run, and which names a statement changes without rebinding them; the
child reads them to know what it stubs out.  Names are matched on the last
part of the called name (`pd.read_csv`, `model.fit`, `plt.show`) unless a
table says it holds full module names.
"""

from __future__ import annotations

# Calls that load data, train or predict, touch files, the network or other
# processes, or plot: a statement making one is never run.  Matched on the
# last part of the called name (`pd.read_csv`, `model.fit`, `plt.show`).
NOT_RUN_CALLS = frozenset({
    # training, evaluation, inference
    "fit", "fit_generator", "evaluate", "evaluate_generator", "predict", "predict_generator", "predict_classes",
    "predict_proba", "predict_on_batch", "train_on_batch", "test_on_batch", "fit_transform", "transform",
    "fit_resample", "adapt", "fit_on_texts", "texts_to_sequences", "train_test_split", "cross_val_score",
    # data loading and files
    "open", "load", "loads", "load_data", "loadtxt", "genfromtxt", "fromfile", "memmap", "read_csv", "read_excel",
    "read_json", "read_parquet", "read_table", "read_sql", "read_pickle", "read_feather", "read_hdf", "read_fwf",
    "load_dataset", "load_model", "load_weights", "load_img", "imread", "get_file", "urlopen", "urlretrieve",
    "download", "image_dataset_from_directory", "text_dataset_from_directory", "audio_dataset_from_directory",
    "timeseries_dataset_from_array", "from_tensor_slices", "from_generator", "TFRecordDataset", "list_files",
    "flow", "flow_from_directory", "flow_from_dataframe", "glob", "listdir", "scandir", "walk", "read_text",
    "read_bytes",
    # writing
    "save", "save_weights", "savefig", "to_csv", "to_pickle", "to_parquet", "dump", "write", "write_text",
    "write_bytes", "mkdir", "makedirs", "remove", "unlink", "rmtree", "rename", "copyfile", "move",
    # plotting and display
    "show", "plot", "imshow", "subplots", "figure", "hist", "scatter", "heatmap", "plot_model", "display",
    # processes, the network, the interpreter
    "system", "popen", "Popen", "check_call", "check_output", "exit", "quit", "input", "sleep", "connect",
    "log_metric", "log_param", "start_run", "exec", "eval", "__import__", "breakpoint",
})
# Modules whose calls are never run, whatever the function.
NOT_RUN_MODULES = ("keras.datasets", "tensorflow.keras.datasets", "tensorflow.data", "tensorflow.io",
                      "tensorflow_datasets", "requests", "urllib", "subprocess", "shutil", "socket", "pickle",
                      "joblib", "matplotlib", "seaborn", "mlflow", "wandb", "kagglehub", "datasets", "os",
                      "sys", "pathlib", "glob", "cv2", "PIL", "h5py")
# Methods that change the model in place: statements calling them on the model are part of its build.
MODEL_BUILD_METHODS = frozenset({"add", "pop", "build", "compile"})

# Calls that load or prepare data (a local helper making one is a data helper: the slice
# never runs it, whatever it is called from).
DATA_LOADING_CALLS = frozenset({
    "open", "load", "load_data", "loadtxt", "genfromtxt", "fromfile", "memmap", "read_csv", "read_excel",
    "read_json", "read_parquet", "read_table", "read_sql", "read_pickle", "read_feather", "read_hdf", "read_fwf",
    "load_dataset", "load_img", "imread", "get_file", "urlopen", "urlretrieve", "download",
    "image_dataset_from_directory", "text_dataset_from_directory", "audio_dataset_from_directory",
    "timeseries_dataset_from_array", "from_tensor_slices", "from_generator", "TFRecordDataset", "list_files",
    "flow_from_directory", "flow_from_dataframe", "glob", "listdir", "scandir", "walk", "read_text", "read_bytes",
    "make_csv_dataset", "interleave", "prefetch", "padded_batch", "unbatch", "as_numpy_iterator", "fit",
    "fit_generator", "evaluate", "predict",
})
# Modules whose use inside a local helper makes it a data helper (full names).
DATA_LOADING_MODULES = ("tensorflow.data", "tensorflow.io", "tensorflow_datasets", "keras.datasets",
                        "tensorflow.keras.datasets", "datasets", "pandas", "requests", "urllib", "kagglehub")

# Methods that change their object in place (called, or passed as a callback: `.apply(vocab.update)`).
# A name one of them changes in a statement the slice does not run is only a guess afterwards.
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "update", "add", "setdefault", "pop", "popitem", "remove", "discard", "clear",
    "sort", "reverse", "adapt", "apply", "fit", "fit_on_texts", "partial_fit", "set_vocabulary", "set_weights",
    "build_vocab", "__setitem__",
})

# Modules whose import never fails where --verify runs (it installs them): `import keras` is left
# as it is; every other import (a submodule of these included: `tensorflow.keras.optimizers.experimental`
# is gone from Keras 3) is guarded, and a missing module becomes a placeholder.
ALWAYS_INSTALLED = ("keras", "tensorflow", "numpy", "__future__")

# Model methods the child turns into no-ops, and those it refuses (needs data, or writes).
NO_OP_MODEL_METHODS = ("fit", "fit_generator", "train_on_batch", "save", "save_weights", "load_weights", "export")
REFUSED_MODEL_METHODS = ("predict", "evaluate", "predict_on_batch", "test_on_batch", "predict_generator",
                         "evaluate_generator")

# Layers that only move values around: an output's activation passes through them (beside the
# static picture's own pass-through layers).
MOVING_LAYERS = frozenset({"Flatten", "Reshape", "Permute", "RepeatVector", "Masking", "Cropping1D", "Cropping2D",
                           "Cropping3D"})
