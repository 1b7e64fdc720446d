"""The registry's errors as MLflow's: ``MlflowException`` with the error code callers test.

- ``NotFound`` -> ``RESOURCE_DOES_NOT_EXIST`` (a 404 through ``mlflow server``);
- ``UsageError`` (a bad name, filter or stage) and ``WriteRefused`` (a gate,
  a forbidden transition, a protected alias: the checker's own message) ->
  ``INVALID_PARAMETER_VALUE``;
- ``LockTimeout`` -> ``TEMPORARILY_UNAVAILABLE``;
- any other ``RegistryError`` (git or DVC failed) -> ``INTERNAL_ERROR``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import (
    INTERNAL_ERROR,
    INVALID_PARAMETER_VALUE,
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    TEMPORARILY_UNAVAILABLE,
)

from registry.errors import LockTimeout, NotFound, RegistryError, UsageError, WriteRefused

__all__ = [
    "INVALID_PARAMETER_VALUE",
    "RESOURCE_ALREADY_EXISTS",
    "RESOURCE_DOES_NOT_EXIST",
    "MlflowException",
    "as_mlflow",
    "translated",
]


def as_mlflow(exc: RegistryError) -> MlflowException:
    """The ``MlflowException`` a registry error becomes."""
    if isinstance(exc, NotFound):
        code = RESOURCE_DOES_NOT_EXIST
    elif isinstance(exc, UsageError | WriteRefused):
        code = INVALID_PARAMETER_VALUE
    elif isinstance(exc, LockTimeout):
        code = TEMPORARILY_UNAVAILABLE
    else:
        code = INTERNAL_ERROR
    return MlflowException(str(exc), error_code=code)


@contextmanager
def translated() -> Iterator[None]:
    """Raise every ``RegistryError`` of the block as :func:`as_mlflow` makes it."""
    try:
        yield
    except RegistryError as exc:
        raise as_mlflow(exc) from exc
