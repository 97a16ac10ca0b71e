"""What kast knows about Keras (Keras 3, tf.keras and tf_keras alike), by canonical name.

One module per part of the API: `layers`, `activations`, `losses`, `metrics`,
`optimizers`, `callbacks`, `models` (constructors and model methods), `preprocessing`
(labels, Tokenizer), `loaders` (datasets, image files, directory datasets,
ImageDataGenerator), `applications` (pretrained models).  Names are folded to one dialect
by `names.canonical` first.
"""

from __future__ import annotations

from kast.libraries.keras import (
    applications,
    callbacks,
    layers,
    loaders,
    losses,
    metrics,
    models,
    optimizers,
    preprocessing,
)
from kast.libraries.keras.names import canonical, is_keras, keras_member

MODULES = (layers, losses, metrics, optimizers, callbacks, models, preprocessing, loaders, applications)

__all__ = ["MODULES", "canonical", "is_keras", "keras_member"]
