"""The verifier's child process: TensorFlow imported once, then one model built per request.

Run as `python -m kast.verify.child REQUESTS ANSWERS PARENT` by
`kast.verify.process`; never imported by the static path.  It reads JSON
lines from the REQUESTS pipe (first the run's settings and nonce, then one
slice compiled by `kast.verify.slicer` per line) and writes JSON lines to the
ANSWERS pipe: first whether TensorFlow could be imported (with the layers of
confinement it got), then one answer per request, each with the nonce.

It runs in two stages (see `_launcher`): the kernel confines the second one
(`kast.verify.sandbox`) before it imports TensorFlow or runs any of the
script.  Beyond that:
- CPU only, TensorFlow's logs silenced, standard input, output and error on
  /dev/null;
- `fit` and friends do nothing, `predict` / `evaluate` refuse, nothing is
  saved or downloaded;
- a time limit per model (SIGALRM); the parent adds a hard limit and a memory
  limit over the whole process tree and replaces the child if it dies.
"""

from __future__ import annotations

import builtins
import errno
import functools
import json
import marshal
import os
import signal
import sys
import time
import traceback
from typing import Any

from kast.libraries import effects
from kast.libraries.keras import layers as keras_layers

PLACEHOLDER_VALUE = 8
# Rows of the forward probe: two show a softmax's rows summing to 1 and a range of values, and keep
# the probe of a model with large inputs small.
PROBE_BATCH = 2
# Layers an output's activation passes through unchanged: kast's own list, and at run time also
# the layers that only move values around.
_PASS_THROUGH = effects.PASS_THROUGH_LAYERS
_ACTIVATION_LAYERS = keras_layers.ACTIVATION_LAYERS


class Skipped(Exception):
    """A call --verify does not make (predict, downloads, connections)."""


class TimeLimit(BaseException):
    """The model took longer than its time limit to build (BaseException: user code can't swallow it)."""


class Placeholder(int):
    """An integer-like stand-in for a value the slice could not compute; records every use."""

    _name: str
    _used: set[str]

    def __new__(cls, name: str, used: set[str], value: int = PLACEHOLDER_VALUE) -> "Placeholder":
        obj = super().__new__(cls, value)
        obj._name = name
        obj._used = used
        return obj

    def _touch(self) -> None:
        self._used.add(self._name.split(".")[0].split("[")[0])

    def _derive(self, suffix: str, value: int = PLACEHOLDER_VALUE) -> "Placeholder":
        self._touch()
        return Placeholder(self._name + suffix, self._used, value)

    def __getattr__(self, attr: str) -> "Placeholder":
        if attr.startswith("__"):
            raise AttributeError(attr)
        return self._derive(f".{attr}")

    def __getitem__(self, key: object) -> Any:
        if isinstance(key, slice):
            self._touch()
            return (self._derive("[:]"),)
        if isinstance(key, int) and not -PLACEHOLDER_VALUE <= key < PLACEHOLDER_VALUE:
            # A finite sequence: code that indexes until IndexError (TensorFlow's conversion of
            # nested sequences) stops.
            self._touch()
            raise IndexError(key)
        return self._derive(f"[{key!r}]")

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        # numpy and TensorFlow see a scalar, not an endless nest of sequences.
        import numpy

        self._touch()
        return numpy.asarray(int.__int__(self), dtype=dtype)

    def __call__(self, *args: object, **kwargs: object) -> "Placeholder":
        return self._derive("()")

    def __iter__(self) -> Any:
        self._touch()
        return iter((self._derive("[0]"),))

    def __len__(self) -> int:
        self._touch()
        return PLACEHOLDER_VALUE

    def __index__(self) -> int:
        self._touch()
        return int.__int__(self)

    def __int__(self) -> int:
        return self.__index__()

    def __float__(self) -> float:
        self._touch()
        return float(int.__int__(self))

    def __bool__(self) -> bool:
        self._touch()
        return True

    def __repr__(self) -> str:
        return f"<kast placeholder {self._name}>"


def _arithmetic(name: str) -> Any:
    base = getattr(int, name)

    def method(self: Placeholder, *args: Any) -> Any:
        self._touch()
        result = base(self, *args)
        return Placeholder(self._name, self._used, result) if isinstance(result, int) and not isinstance(
            result, bool) else result

    return method


for _op in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__floordiv__",
            "__rfloordiv__", "__truediv__", "__rtruediv__", "__mod__", "__pow__", "__neg__", "__lt__", "__le__",
            "__gt__", "__ge__", "__eq__", "__ne__"):
    setattr(Placeholder, _op, _arithmetic(_op))
Placeholder.__hash__ = int.__hash__  # type: ignore[method-assign]


# ---------------------------------------------------------------- the session


class Session:
    """TensorFlow and Keras, patched, and what the current request created."""

    def __init__(self) -> None:
        import keras
        import numpy
        import tensorflow

        self.keras = keras
        self.np = numpy
        self.tf = tensorflow
        self.path = ""
        self.layer_lines: list[tuple[Any, int]] = []
        # Keras 3, and tf_keras (Keras 2) where the script asks for it: TF_USE_LEGACY_KERAS=1
        # makes tf.keras tf_keras, and a script may import tf_keras itself.
        self.kerases: list[Any] = []
        self._patch(keras)
        self.legacy = os.environ.get("TF_USE_LEGACY_KERAS", "").lower() in ("1", "true", "yes")
        if self.legacy:
            self._adopt_tf_keras()

    def _adopt_tf_keras(self) -> None:
        import importlib.util

        if any(k.__name__ == "tf_keras" for k in self.kerases) or importlib.util.find_spec("tf_keras") is None:
            return
        import tf_keras

        self._patch(tf_keras)

    @property
    def versions(self) -> dict[str, str]:
        found = {"tensorflow": self.tf.__version__, "keras": self.keras.__version__}
        for module in self.kerases:
            if module.__name__ == "tf_keras":
                found["tf_keras"] = module.__version__
        return found

    def _script_line(self) -> int | None:
        frame: Any = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename == self.path:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def _patch(self, keras: Any) -> None:
        session = self
        self.kerases.append(keras)

        def nothing(*args: object, **kwargs: object) -> None:
            return None

        def refuse(what: str) -> Any:
            def call(*args: object, **kwargs: object) -> None:
                raise Skipped(f"{what} is not run by --verify")
            return call

        for name in effects.NO_OP_MODEL_METHODS:
            if hasattr(keras.Model, name):
                setattr(keras.Model, name, nothing)
        for name in effects.REFUSED_MODEL_METHODS:
            if hasattr(keras.Model, name):
                setattr(keras.Model, name, refuse(f"model.{name}()"))
        keras.utils.get_file = refuse("downloading")

        original_init = keras.layers.Layer.__init__

        @functools.wraps(original_init)
        def init(layer: Any, *args: Any, **kwargs: Any) -> None:
            original_init(layer, *args, **kwargs)
            line = session._script_line()
            if line is not None:
                session.layer_lines.append((layer, line))

        keras.layers.Layer.__init__ = init

    # ----------------------------------------------------------- one request

    def run(self, job: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        self.path = job["path"]
        self.layer_lines = []
        for module in self.kerases:
            module.backend.clear_session()
        self.keras = self.kerases[0]
        used: set[str] = set()
        namespace: dict[str, Any] = {"__name__": "__kast_verify__",
                                     "__file__": os.path.join(job.get("folder") or "", os.path.basename(self.path)), "__builtins__": builtins}
        for name in job["placeholders"]:
            namespace[name] = Placeholder(name, used)
        namespace["__kast_missing__"] = lambda name: Placeholder(name, used)  # a module not installed here
        answer: dict[str, Any] = {"id": job["id"]}
        # The child works in its temporary folder: the script's own folder comes with the job.
        folder = job.get("folder") or os.path.dirname(os.path.abspath(self.path))
        sys.path.insert(0, folder)
        sys.argv = [self.path]  # as if the script were run without arguments
        signal.setitimer(signal.ITIMER_REAL, float(job["time_limit"]))
        try:
            exec(marshal.loads(bytes.fromhex(job["code"])), namespace)  # noqa: S102 - this is --verify's purpose
            model = namespace.get(job["name"])
            if "tf_keras" in sys.modules:
                self._adopt_tf_keras()
            module = next((k for k in self.kerases if isinstance(model, k.Model)), None)
            if module is not None:
                self.keras = module  # inspect with the Keras that built it
            if module is None:
                answer.update(status="no-model", reason=f"`{job['name']}` is not a Keras model after the build "
                                                        f"({type(model).__name__})")
            else:
                answer.update(status="built", **self._inspect(model, used))
        except TimeLimit:
            answer.update(status="timeout", reason=f"building took longer than {job['time_limit']} s")
        except BaseException as exc:  # noqa: BLE001 - any failure of user code is an answer
            if _is_time_limit(exc):  # the alarm, wrapped by Keras or TensorFlow in an error of theirs
                answer.update(status="timeout", reason=f"building took longer than {job['time_limit']} s")
            elif isinstance(exc, SystemExit):
                answer.update(status="error", reason=f"the script called sys.exit({exc.code!r}) while building")
            elif isinstance(exc, Skipped):
                answer.update(status="error", reason=str(exc))
            else:
                answer.update(status="error", **self._describe(exc))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if sys.path and sys.path[0] == folder:
                sys.path.pop(0)
        answer["placeholders_used"] = sorted(used)
        answer["seconds"] = round(time.perf_counter() - started, 4)
        return answer

    def _describe(self, exc: BaseException) -> dict[str, Any]:
        """The exception as the parent reports it: Keras's message at the script's line."""
        frames = traceback.extract_tb(exc.__traceback__)
        script_lines = [f.lineno for f in frames if f.filename == self.path]
        origin = frames[-1].filename if frames else ""
        message = str(exc).strip() or type(exc).__name__
        layer_line = None
        for layer, line in reversed(self.layer_lines):
            name = getattr(layer, "name", None)
            if name and (f'"{name}"' in message or f"'{name}'" in message):
                layer_line = line
                break
        return {
            "type": type(exc).__name__,
            "refused": _refused(exc),
            "message": message[:2000],
            "line": layer_line or (script_lines[-1] if script_lines else None),
            "script_lines": sorted(set(script_lines)),
            "from_keras": any(part in origin for part in (f"{os.sep}keras{os.sep}", f"{os.sep}tensorflow{os.sep}",
                                                          f"{os.sep}tf_keras{os.sep}")),
        }

    # ------------------------------------------------------------ inspection

    def _inspect(self, model: Any, used: set[str]) -> dict[str, Any]:
        np = self.np
        facts: dict[str, Any] = {}
        layers = self._output_layers(model)
        symbolic = getattr(model, "outputs", None) or []
        # The forward probe is for outputs whose activation no layer states (a subclassed call(),
        # keras.ops applied to the output); where every layer states it, the probe adds nothing.
        stated = bool(symbolic) and len(layers) == len(symbolic) and all(
            layer is not None and layer.get("activation") is not None for layer in layers)
        inputs = None if stated else self._inputs(model, used)
        predictions = None
        if inputs is not None:
            try:
                predictions = model(inputs, training=False)
            except Exception as exc:  # noqa: BLE001
                facts["forward_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        facts["probed"] = predictions is not None
        outputs: list[dict[str, Any]] = []
        tensors = predictions if isinstance(predictions, (list, tuple)) else (
            list(predictions.values()) if isinstance(predictions, dict) else [predictions])
        for index, tensor in enumerate(tensors):
            out: dict[str, Any] = {}
            if tensor is not None:
                values = np.asarray(tensor, dtype="float64")
                out["shape"] = [int(d) for d in values.shape[1:]]
                out["units"] = int(values.shape[-1]) if values.ndim >= 2 else 1
                finite = values[np.isfinite(values)]
                if finite.size:
                    out["range"] = [float(finite.min()), float(finite.max())]
                if values.ndim >= 2:
                    sums = values.sum(axis=-1)
                    out["row_sums"] = [float(sums.min()), float(sums.max())]
            layer = layers[index] if index < len(layers) else None
            if layer is not None:
                out.update(layer)
            outputs.append(out)
        if predictions is None:
            outputs = [dict(layer or {}) for layer in layers]
            for out, tensor in zip(outputs, symbolic):
                shape = list(tensor.shape)[1:]
                out["shape"] = [d if isinstance(d, int) else None for d in shape]
                if shape and shape[-1] is not None:
                    out["units"] = int(shape[-1])
        facts["outputs"] = outputs
        facts["output_names"] = list(getattr(model, "output_names", None) or [])
        facts["loss"] = self._loss(getattr(model, "loss", None)) if getattr(model, "optimizer", None) else None
        facts["compiled"] = getattr(model, "optimizer", None) is not None
        return facts

    def _inputs(self, model: Any, used: set[str]) -> Any:
        np = self.np
        rng = np.random.default_rng(0)
        symbolic = getattr(model, "inputs", None)
        if not symbolic:
            # A subclassed model: the shape it was built with, else a guessed width.
            shapes = getattr(model, "_build_shapes_dict", None) or {}
            shape = next(iter(shapes.values()), None) if len(shapes) == 1 else None
            if isinstance(shape, (tuple, list)) and len(shape) >= 2 and all(
                    isinstance(d, int) for d in shape[1:]):
                return rng.normal(0.0, 10.0, size=(PROBE_BATCH, *shape[1:])).astype("float32")
            used.add("input shape")
            return rng.normal(0.0, 10.0, size=(PROBE_BATCH, PLACEHOLDER_VALUE)).astype("float32")
        arrays = []
        for tensor in symbolic:
            shape = [PROBE_BATCH] + [d if d is not None else PLACEHOLDER_VALUE for d in list(tensor.shape)[1:]]
            dtype = str(getattr(tensor, "dtype", "float32"))
            if "int" in dtype:
                arrays.append(rng.integers(0, 2, size=shape).astype(dtype))
            elif "string" in dtype or "object" in dtype:
                return None
            else:
                arrays.append(rng.normal(0.0, 10.0, size=shape).astype("float32"))
        return arrays[0] if len(arrays) == 1 else arrays

    def _output_layers(self, model: Any) -> list[dict[str, Any] | None]:
        """For each output, the layer that produces it and the activation it ends with."""
        keras = self.keras
        heads: list[Any] = []
        if isinstance(model, keras.Sequential):
            heads = [model.layers[-1]] if model.layers else []
        else:
            for tensor in getattr(model, "outputs", None) or []:
                history = getattr(tensor, "_keras_history", None)
                heads.append(history[0] if history else None)
        return [self._activation_of(model, layer) if layer is not None else None for layer in heads]

    def _activation_of(self, model: Any, layer: Any) -> dict[str, Any]:
        for _ in range(50):
            kind = type(layer).__name__
            if kind in _ACTIVATION_LAYERS:
                return {"layer": kind, "activation": _ACTIVATION_LAYERS[kind]}
            activation = getattr(layer, "activation", None)
            if callable(activation):
                name = getattr(activation, "__name__", None) or type(activation).__name__
                return {"layer": kind, "activation": name}
            if kind not in _PASS_THROUGH:
                return {"layer": kind, "activation": None}
            layer = self._previous(model, layer)
            if layer is None:
                break
        return {"layer": None, "activation": None}

    def _previous(self, model: Any, layer: Any) -> Any:
        if isinstance(model, self.keras.Sequential):
            layers = model.layers
            index = layers.index(layer) if layer in layers else 0
            return layers[index - 1] if index > 0 else None
        nodes = getattr(layer, "_inbound_nodes", None) or []
        for node in nodes:
            tensors = getattr(node, "input_tensors", None) or []
            if len(tensors) == 1:
                history = getattr(tensors[0], "_keras_history", None)
                return history[0] if history else None
        return None

    def _loss(self, loss: Any) -> Any:
        if loss is None:
            return None
        if isinstance(loss, str):
            return {"kind": "string", "name": loss}
        if isinstance(loss, (list, tuple)):
            return [self._loss(item) for item in loss]
        if isinstance(loss, dict):
            return {str(key): self._loss(item) for key, item in loss.items()}
        if isinstance(loss, self.keras.losses.Loss):
            try:
                config = loss.get_config()
            except Exception:  # noqa: BLE001 - a custom loss may not have one
                config = {}
            from_logits = config.get("from_logits", getattr(loss, "from_logits", None))
            if from_logits is None:
                from_logits = (getattr(loss, "_fn_kwargs", None) or {}).get("from_logits")
            return {"kind": "class", "name": type(loss).__name__, "from_logits": from_logits}
        if callable(loss):
            return {"kind": "function", "name": getattr(loss, "__name__", type(loss).__name__),
                    "from_logits": None}
        return {"kind": "other", "name": type(loss).__name__}


# What the sandbox answers to a refused file, program, socket or signal (the errors of Landlock,
# seccomp and the namespaces).
_REFUSALS = {errno.EACCES, errno.EPERM, errno.ENETUNREACH, errno.ENETDOWN, errno.EAFNOSUPPORT, errno.EROFS,
             errno.ESRCH, errno.EHOSTUNREACH}


def _is_time_limit(exc: BaseException) -> bool:
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, TimeLimit) or "TimeLimit" in str(current) or "TimeLimit" in type(current).__name__:
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def _refused(exc: BaseException) -> bool:
    """True when the exception (or what it was raised from) is the sandbox saying no."""
    import socket

    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, socket.gaierror) or (isinstance(current, OSError) and current.errno in _REFUSALS):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def _on_alarm(signum: int, frame: Any) -> None:
    raise TimeLimit()


# ------------------------------------------------------------ the two stages
#
# `python -m kast.verify.child REQUESTS ANSWERS PARENT` is started by the parent with two pipe
# ends (requests in, answers out), an allow-listed environment and a fresh working folder.
# Stage one (the launcher) dies with kast, enters new namespaces and forks stage two (the
# worker), which is the first process of the new PID namespace: when it dies, every process the
# script started dies with it.  The worker confines itself (rlimits, Landlock, capabilities),
# imports TensorFlow, loads the seccomp filter, then builds one model per request.


def _read_line(fd: int) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            break
        data += chunk
    return data


def _launcher(requests: int, answers: int, parent: int) -> None:
    from kast.verify import sandbox

    if sandbox.IS_LINUX:
        sandbox.die_with_parent()
        if os.getppid() != parent:  # kast died before PR_SET_PDEATHSIG took effect
            os._exit(1)
    config = json.loads(_read_line(requests) or b"{}")
    namespaces = sandbox.enter_namespaces() if sandbox.IS_LINUX and not config.get("unconfined") else []
    if not hasattr(os, "fork"):
        _worker(config, requests, answers, None, namespaces)
        return
    alive_r, alive_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(alive_w)
        code = 0
        try:
            _worker(config, requests, answers, alive_r, namespaces)
        except BaseException:  # noqa: BLE001 - the parent sees the exit status
            if os.environ.get("KAST_VERIFY_DEBUG"):
                traceback.print_exc()
            code = 70
        finally:
            os._exit(code)
    os.close(alive_r)
    os.close(requests)
    os.close(answers)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            status = 0
            break
        except InterruptedError:
            continue
    os._exit(min(os.waitstatus_to_exitcode(status) & 0xFF, 255))


def _confine(config: dict[str, Any], alive: int | None, namespaces: list[str]) -> dict[str, str]:
    """Every layer that can be applied before TensorFlow is imported; what each gave."""
    import select

    from kast.verify import sandbox

    applied: dict[str, str] = {}
    applied["environment"] = (f"allow-list ({len(os.environ)} variables), HOME, TMPDIR and working folder "
                              "in a fresh temporary folder")
    if not sandbox.IS_LINUX:
        return applied
    sandbox.die_with_parent()
    if alive is not None and select.select([alive], [], [], 0)[0]:
        os._exit(1)  # the launcher died before PR_SET_PDEATHSIG took effect
    sandbox.seccomp_available()  # loads libseccomp while programs (ldconfig) can still run
    tree = "new session, dies with kast (PR_SET_PDEATHSIG), resident memory summed over the tree"
    applied["process tree"] = tree + (", new PID namespace" if "pid" in namespaces else
                                      ", NO PID namespace (a process that leaves the session may outlive kast)")
    limits = sandbox.limits_for(float(config.get("memory_mb", 4096)))
    sandbox.apply_limits(limits)
    applied["rlimits"] = (f"address space {limits.address_space_mb} MB, {limits.processes} processes"
                          f"{' (counted in its own user namespace)' if 'user' in namespaces else ''}, "
                          f"files {limits.file_size_mb} MB, no core dumps")
    network = ["new network namespace"] if "network" in namespaces else []
    try:
        sandbox.drop_capabilities()
    except OSError:
        pass
    abi = sandbox.landlock_abi()
    if abi:
        temp = os.getcwd()
        landlock = sandbox.Landlock(
            abi=abi,
            read=sandbox.readable_roots([p for p in sys.path if p], list(config.get("script_folders", [])),
                                        config.get("home")),
            write=[temp], read_write_files=["/dev/null"])
        covers = landlock.restrict()
        applied["files"] = f"Landlock ABI {abi}: writes only in the temporary folder, reads only below " \
                           f"{len(landlock.read)} folders (Python, system libraries, the scripts' folders); " \
                           "the home folder is not readable"
        if "tcp" in covers:
            network.append("Landlock denies TCP connect/bind")
        applied["signals"] = ("Landlock scope: no signal to, and no memory or environment of, processes "
                              "outside the child's tree" if "signals" in covers else
                              "no Landlock signal scope on this kernel") + (
                                  "; new PID namespace" if "pid" in namespaces else "")
    else:
        applied["files"] = "NO Landlock on this kernel: the child can read and write what your user can"
        applied["signals"] = "new PID namespace" if "pid" in namespaces else \
            "NOT contained: the child can signal your other processes"
    applied["network"] = ", ".join(network) or "NOT contained by a namespace"
    return applied


def _worker(config: dict[str, Any], requests: int, answers_fd: int, alive: int | None,
            namespaces: list[str]) -> None:
    from kast.verify import sandbox

    nonce = str(config.get("nonce", ""))
    answers = os.fdopen(answers_fd, "w", buffering=1, encoding="utf-8")

    def send(message: dict[str, Any]) -> None:
        answers.write(json.dumps({**message, "nonce": nonce}) + "\n")
        answers.flush()

    confining = time.perf_counter()
    try:
        applied = _confine(config, alive, namespaces) if not config.get("unconfined") else {
            "environment": "allow-list, fresh temporary folder (the child is otherwise unconfined)"}
    except BaseException as exc:  # noqa: BLE001 - say why, then stop
        send({"id": "hello", "ready": False, "error": f"confining the child failed: {type(exc).__name__}: {exc}"})
        return
    confine_seconds = time.perf_counter() - confining
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 0)
    if not os.environ.get("KAST_VERIFY_DEBUG"):
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
    else:
        os.dup2(2, 1)
    os.close(quiet)
    signal.signal(signal.SIGALRM, _on_alarm)
    started = time.perf_counter()
    try:
        session = Session()
    except BaseException as exc:  # noqa: BLE001 - say why, then stop
        send({"id": "hello", "ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return
    if sandbox.IS_LINUX and not config.get("unconfined"):
        why_not = sandbox.seccomp_available()
        if why_not is None:
            try:
                loading = time.perf_counter()
                sandbox.load_seccomp()
                confine_seconds += time.perf_counter() - loading
                applied["programs"] = "no execve (Landlock grants no execute right; seccomp refuses execve)"
                applied["network"] += "; seccomp refuses socket() of every family"
            except (OSError, RuntimeError, ValueError) as exc:
                why_not = f"{type(exc).__name__}: {exc}"
        if why_not is not None:
            applied["programs"] = (("no execve (Landlock grants no execute right)" if sandbox.landlock_abi()
                                    else "NOT contained") + f"; no seccomp filter: {why_not}")
    send({"id": "hello", "ready": True, **session.versions,
          "startup": round(time.perf_counter() - started, 3), "confine_seconds": round(confine_seconds, 4),
          "layers": applied})
    stream = os.fdopen(requests, "r", encoding="utf-8")
    for line in stream:
        if not line.strip():
            continue
        job: dict[str, Any] = {}
        try:
            job = json.loads(line)
            send(session.run(job))
        except BaseException as exc:  # noqa: BLE001 - the protocol must go on
            send({"id": job.get("id"), "status": "error", "reason": f"verifier error: {type(exc).__name__}"})


def main() -> None:
    requests, answers, parent = (int(arg) for arg in sys.argv[1:4])
    _launcher(requests, answers, parent)


if __name__ == "__main__":
    main()
