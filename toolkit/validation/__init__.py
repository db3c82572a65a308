"""Validation: payloads and captures checked against the contract, with findings and verdicts.

`validator.validate` gives a `Report` for one payload; `verdict` ties it to a Record's source;
`runner` and `hotpath` check many inputs fast; `summary` folds the results.
"""
