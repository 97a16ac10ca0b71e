"""Former home of kast's Keras tables, kept for the runtime verifier until it reads kast.libraries.

Everything here is read from `kast.libraries.keras`; nothing is listed twice.
"""

from __future__ import annotations

from kast.analysis.models import ACTIVATION, IDENTITY
from kast.libraries.keras import activations, layers, losses

activation_from_string = activations.from_string
loss_from_string = losses.from_string
PASS_THROUGH_LAYERS = frozenset(name for name, row in layers.LAYERS.items() if row.role == IDENTITY)
ACTIVATION_LAYERS = {name: row.activation for name, row in layers.LAYERS.items()
                     if row.role == ACTIVATION and row.activation is not None}
