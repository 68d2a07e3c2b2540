"""Validate the action server's answers with a schema checked once, not per call.

Rasa 3.6 (``RemoteAction._validate_action_result``) calls ``jsonschema.validate``
for every custom action. That function first checks the schema itself against
the JSON Schema 2020-12 meta-schema, which costs more than NLU and dialogue
management together (bench/choices.md). The schema never changes, so
it is checked once here and every answer is validated against the compiled
validator: same schema, same errors, same message.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema import ValidationError, validators
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def action_response_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: Dict[Text, Any]) -> bool:
    try:
        action_response_validator().validate(result)
        return True
    except ValidationError as error:
        # Rasa's own wording, so that logs read the same as with stock Rasa.
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
