"""The rules `quay-contract template check` applies: id, severity, and what a finding means.

docs/guides/templates.md explains each rule with an example; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """One check."""

    id: str
    severity: Severity
    title: str
    help: str


_RULES = (
    # The template does not save, or every delivery fails.
    Rule("template-not-string", "error", "Template is not a string",
         "The notification config holds the template as JSON, not as a string of JSON text: "
         "Quay's json.loads raises TypeError, saving answers 500 and every delivery fails."),
    Rule("invalid-json", "error", "Template is not valid JSON",
         "Quay parses the template with Python's json module and rejects it when saving (400)."),
    Rule("invalid-jsonpath", "error", "Placeholder is not valid JSONPath",
         "jsonpath-rw 1.4.0 cannot parse the expression: saving answers 400 with this message."),
    Rule("save-crash", "error", "Saving the notification fails with 500",
         "Rendering the template against {} (Quay's only check) raises an exception that Quay "
         "does not expect, so the API answers 500."),
    # Paths that do not match what the event sends.
    Rule("path-unknown", "error", "Path never matches the event",
         "No payload of the event has this member: the placeholder renders null (alone) or "
         "\"(none)\" (inside text) on every delivery."),
    Rule("path-other-event", "error", "Path belongs to another event",
         "The member exists in other events but never in this one: the notification is "
         "probably attached to the wrong event."),
    Rule("path-test-only", "error", "Path exists only in test notifications",
         "Only the body of Quay's Test Notification button has this member; real events never "
         "do, so the template works when tested and renders null in production."),
    Rule("path-not-sent", "error", "Path is not sent by the chosen Quay release",
         "The member exists in the contract, but the chosen release (--quay-version) never "
         "sends it."),
    Rule("path-optional", "warning", "Path may be missing",
         "Some payloads of the event do not have this member: it renders null alone and "
         "\"(none)\" inside text for them."),
    Rule("path-nullable", "warning", "Path may be null",
         "The member is sent as null by some deliveries: it renders null alone and \"(none)\" "
         "inside text."),
    Rule("path-version-dependent", "warning", "Path depends on the Quay release",
         "Only some Quay releases send this member; with the others it renders null or "
         "\"(none)\". Pass --quay-version to check against one release."),
    Rule("test-notification-missing", "info", "Test notification renders null here",
         "Real events have this member, but the body of Quay's Test Notification button does "
         "not: testing the notification shows null or \"(none)\" where production will not."),
    # Types that change or crash.
    Rule("direct-cardinality", "warning", "Type depends on how many values match",
         "A string that is exactly one placeholder becomes null for no match, the value for "
         "one, and a list for several: receivers see three different types."),
    Rule("inline-list", "warning", "List inside text",
         "A list inside a longer string becomes Python text: '[]' or \"['v1']\" for 0 or 1 "
         "items, the items joined with ',' for 2 or more."),
    Rule("inline-object", "warning", "Object inside text",
         "An object inside a longer string becomes its Python repr (\"{'a': 'b'}\"), which is "
         "not JSON."),
    Rule("inline-boolean", "warning", "Boolean inside text",
         "A boolean inside a longer string becomes Python's True or False, not true/false."),
    Rule("inline-join-crash", "error", "Several non-string values inside text",
         "Inside a longer string several values are joined with ','; a number, boolean or null "
         "among them raises TypeError and the delivery fails."),
    Rule("key-non-scalar", "error", "Key renders to a list or object",
         "An object key that renders to a list or object raises TypeError (unhashable type) "
         "and the delivery fails."),
    Rule("key-non-string", "warning", "Key renders to a number, boolean or null",
         "A key that renders to a number, boolean or null is written as \"2048\", \"true\" or "
         "\"null\"; next to an equal string key the body carries the key twice."),
    Rule("path-crash", "error", "Path raises for some payloads",
         "jsonpath-rw raises on this step: [n] on an object (KeyError), [n] on a number, "
         "boolean or null, [*] on null or a float (TypeError), & (NotImplementedError)."),
    Rule("multi-match-before-3.6", "info", "Several matches crash Quay before 3.6",
         "Quay 3.4 and 3.5 (and 3.3 and older) raise AttributeError on any expression that "
         "matches more than one value, direct or inside text. Pass --quay-version to make it "
         "an error for those releases."),
    Rule("multi-match-crash", "error", "Several matches crash the chosen Quay release",
         "The chosen release (--quay-version, before 3.6) raises AttributeError on any "
         "expression that matches more than one value: the delivery fails."),
    Rule("index-on-string", "warning", "Index on a string",
         "[n] on a string gives one character, and [*] gives the whole string."),
    Rule("render-crash", "error", "Rendering a payload fails",
         "Rendering the template over an example, a test notification or a generated payload "
         "raised an exception that the static checks did not predict."),
    # The text of the template.
    Rule("duplicate-key", "warning", "Key repeated",
         "The last value of a repeated key wins, at the position of the first; the others are "
         "never sent."),
    Rule("non-standard-json", "warning", "NaN or Infinity in the body",
         "Python's json accepts NaN, Infinity and numbers too large for a float, and writes "
         "them back as NaN or Infinity: not JSON, and many receivers reject the body."),
    Rule("no-escape", "warning", "$ before a placeholder",
         "There is no escape syntax: $${x} renders '$' followed by x's value."),
    Rule("unclosed-placeholder", "warning", "${ without }",
         "A ${ with no closing } is sent as literal text."),
    Rule("deep-nesting", "warning", "Template nests very deeply",
         "Beyond about 400 levels, whether Quay's Python stack overflows depends on how deep it "
         "already is: saving or delivering may fail."),
    Rule("no-placeholder", "info", "Template has no placeholder",
         "Every delivery sends the same body."),
    Rule("no-template", "info", "No template: the raw event is sent",
         "An empty or absent template means Quay posts the event itself (json.dumps)."),
    Rule("envelope-template", "info", "Envelope template",
         "{\"event\": <name>, \"data\": \"${$}\"} carries the event name; validate, listen and "
         "report unwrap such bodies and pin the event."),
    Rule("envelope-event-mismatch", "error", "Envelope names another event",
         "The envelope template's event name is not the event the notification is for: "
         "receivers that unwrap it check the payload against the wrong event."),
    Rule("envelope-partial", "warning", "Envelope without the whole event",
         "A body of exactly {\"event\", \"data\"} is unwrapped by validate, listen and report, "
         "which then expect `data` to be the whole event; use \"data\": \"${$}\"."),
    Rule("unknown-event", "error", "Unknown event",
         "The notification names an event that is not in the contract."),
    Rule("skipped", "info", "Not a webhook",
         "Only webhook notifications have a body template."),
    Rule("disabled", "info", "Notification disabled",
         "Quay skips a notification once number_of_failures reaches 3."),
)  # fmt: skip

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


def rule(rule_id: str) -> Rule:
    """The rule with this id."""
    return RULES[rule_id]
