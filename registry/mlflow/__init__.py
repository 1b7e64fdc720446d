"""MLflow's client over the registry: a registry-store plugin and an artifact repository.

``mlflow.set_registry_uri("git-registry:///path/to/clone")`` (or
``MLFLOW_REGISTRY_URI``, or ``MlflowClient(registry_uri=...)``) makes MLflow's
model-registry calls read and write this registry through
:class:`registry.Registry`: every write is one commit through the registry's
own write path, checked as ``registry check`` checks it. Models load through
``git-registry-artifact:`` URIs, pulled by DVC and md5-verified.

Rooms: ``uri`` (the two URI forms), ``convert`` (records to MLflow's
entities, stages, page tokens), ``errors`` (registry errors to
``MlflowException``), ``store`` (the registry store), ``artifacts`` (the
artifact repository). The package is an edge, like the command line: it uses
the registry's API, and nothing in the registry imports it. Only it imports
MLflow (installed with the ``mlflow`` extra).
"""
