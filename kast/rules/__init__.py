"""The code table: every rule kast ships, by code.

Codes and names are stable (users put them in config and suppressions); a new
check gets a new code.  The default selection is every error and warning.
"""

from __future__ import annotations

from kast.diagnostics import Severity
from kast.rules import (
    activation_with_from_logits,
    label_encoding_vs_loss,
    logits_into_probability_loss,
    output_units_vs_classes,
    regression_loss_on_classifier,
    sigmoid_with_categorical_loss,
    single_unit_categorical_loss,
    softmax_on_single_unit,
    softmax_with_binary_loss,
    syntax_error,
    unbounded_output_for_probability_loss,
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
    )
)
BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def default_selected(rule: Rule) -> bool:
    return rule.severity is not Severity.INFO


__all__ = ["RULES", "BY_CODE", "Rule", "Finding", "default_selected"]
