"""The code table: every rule kast ships, by code.

Codes and names are stable (users put them in config and suppressions); a new
check gets a new code.  The default selection is every error and warning.
"""

from __future__ import annotations

from kast.diagnostics import Severity
from kast.rules import (
    accuracy_on_regression,
    accuracy_only_metrics,
    activation_with_from_logits,
    argmax_on_single_output,
    augmented_evaluation_data,
    bgr_image_at_inference,
    categorical_accuracy_on_sparse_labels,
    class_weight_keys_ignored,
    exact_accuracy_on_probabilities,
    inference_scaling_mismatch,
    label_encoding_vs_loss,
    layer_after_output,
    logits_into_probability_loss,
    model_build_failed,
    no_validation,
    normalization_never_adapted,
    output_units_vs_classes,
    preprocessing_before_split,
    preprocessor_fit_on_test,
    preprocessor_refit_at_inference,
    pretrained_preprocessing_mismatch,
    probabilities_as_labels,
    random_split_of_overlapping_windows,
    regression_loss_on_classifier,
    removed_keras_api,
    removed_keras_argument,
    removed_optimizer_argument,
    resample_before_split,
    runtime_output_vs_loss,
    saturating_deep_activations,
    shuffled_predictions_vs_labels,
    sigmoid_with_categorical_loss,
    single_unit_categorical_loss,
    softmax_on_single_unit,
    softmax_with_binary_loss,
    syntax_error,
    test_data_in_training,
    threshold_metric_on_logits,
    threshold_on_logits,
    threshold_on_softmax,
    unbounded_output_for_probability_loss,
    unknown_keras_name,
    unscaled_inference_input,
    validation_split_on_ordered_data,
)
from kast.rules.base import Finding, Rule

RULES: tuple[Rule, ...] = tuple(
    Rule.from_module(module)
    for module in (
        syntax_error,
        logits_into_probability_loss,
        softmax_on_single_unit,
        single_unit_categorical_loss,
        softmax_with_binary_loss,
        sigmoid_with_categorical_loss,
        activation_with_from_logits,
        unbounded_output_for_probability_loss,
        regression_loss_on_classifier,
        output_units_vs_classes,
        label_encoding_vs_loss,
        preprocessor_fit_on_test,
        preprocessing_before_split,
        unscaled_inference_input,
        test_data_in_training,
        resample_before_split,
        inference_scaling_mismatch,
        pretrained_preprocessing_mismatch,
        preprocessor_refit_at_inference,
        normalization_never_adapted,
        bgr_image_at_inference,
        argmax_on_single_output,
        threshold_on_softmax,
        probabilities_as_labels,
        removed_keras_api,
        threshold_on_logits,
        exact_accuracy_on_probabilities,
        accuracy_on_regression,
        unknown_keras_name,
        threshold_metric_on_logits,
        categorical_accuracy_on_sparse_labels,
        removed_optimizer_argument,
        saturating_deep_activations,
        layer_after_output,
        no_validation,
        accuracy_only_metrics,
        class_weight_keys_ignored,
        removed_keras_argument,
        shuffled_predictions_vs_labels,
        validation_split_on_ordered_data,
        random_split_of_overlapping_windows,
        augmented_evaluation_data,
        model_build_failed,
        runtime_output_vs_loss,
    )
)
BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def default_selected(rule: Rule) -> bool:
    return rule.severity is not Severity.INFO


__all__ = ["RULES", "BY_CODE", "Rule", "Finding", "default_selected"]
