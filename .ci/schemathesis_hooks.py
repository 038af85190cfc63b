"""schemathesis hooks for Essaim's API (.ci/schemathesis, docs/api.md).

One check replaces the built-in `positive_data_acceptance` (a schema-valid request must not be
refused), the same in every respect but two rules that the document states in words because no
schema can — they depend on data that staff edit, not on the request's shape:

- a whole questionnaire response must meet the *published definition* of its questionnaire
  (which questions are required, which choices exist);
- a stand idea's `territory` must be one of the consultation's territories.

A 422 `invalid_input` that refuses only such fields is that rule, not a lie of the document. A
refusal of any field the schema does describe (the idempotency key, the e-mail, the kind, the
text, the organisation, or the body itself) still fails, as does any 400, 413 or 415.

A second check replaces the built-in `negative_data_rejection` (a request the schema forbids
must be refused), the same but for one rule the document states in words: every text loses the
characters `essaim_core::text` drops (controls but tab and line breaks, bidirectional
overrides) before anything is checked, lengths included. A request that breaks the schema only
through such characters — the body valid once they are removed — is rightly accepted.
"""

import re

import jsonschema_rs
import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

# Operation -> the request fields the schema describes: a 422 naming any of them is a failure.
DATA_RULES = {
    ("POST", "/api/v1/consultations/{slug}/questionnaire/responses"): {"idempotency_key", "email", "body"},
    ("POST", "/api/v1/stands/{code}/ideas"): {"kind", "body", "organisation", "idempotency_key", "device_id"},
}


def _refuses_only_published_answers(response, described):
    if response.status_code != 422:
        return False
    try:
        error = response.json()["error"]
    except Exception:
        return False
    fields = [f.get("field") for f in error.get("fields") or []]
    return error.get("code") == "invalid_input" and bool(fields) and not any(f in described for f in fields)


@schemathesis.check
def positive_data_acceptance_but_published_definitions(ctx, response, case):
    try:
        return positive_data_acceptance(ctx, response, case)
    except AssertionError:
        described = DATA_RULES.get((case.method.upper(), case.operation.path))
        if described is not None and _refuses_only_published_answers(response, described):
            return None
        raise


# What `essaim_core::text::is_dropped` drops, as a Python class.
DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def _cleaned(value):
    if isinstance(value, str):
        return DROPPED.sub("", value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {_cleaned(k): _cleaned(v) for k, v in value.items()}
    return value


def _valid_once_cleaned(case):
    body = getattr(case, "body", None)
    if not isinstance(body, (dict, list, str)):
        return False
    cleaned = _cleaned(body)
    if cleaned == body:
        return False
    try:
        schema = case.operation.definition.raw["requestBody"]["content"]["application/json"]["schema"]
    except (KeyError, TypeError):
        return False
    root = dict(schema)
    root["components"] = case.operation.schema.raw_schema.get("components", {})
    # schemathesis's own validator (a dependency of it), the draft OpenAPI 3.1 uses.
    return jsonschema_rs.Draft202012Validator(root).is_valid(cleaned)


@schemathesis.check
def negative_data_rejection_after_cleaning(ctx, response, case):
    try:
        return negative_data_rejection(ctx, response, case)
    except AssertionError:
        if _valid_once_cleaned(case):
            return None
        raise
