"""`st` (schemathesis's command) with one work-around: on CPython 3.11 before 3.11.8, parsing one of schemathesis's
own large modules to describe a lambda raises "SystemError: AST constructor recursion depth mismatch" (CPython
gh-106905) inside hypothesis, which ends the operation's tests as a runtime error. The description is only a label:
without it, a plain one is used."""

from __future__ import annotations

import sys
from typing import Any

from hypothesis.internal import lambda_sources
from schemathesis.cli import schemathesis

_describe = lambda_sources.lambda_description


def _described(function: Any) -> str:
    try:
        return str(_describe(function))
    except SystemError:
        return "lambda"


lambda_sources.lambda_description = _described

if __name__ == "__main__":
    sys.exit(schemathesis())
