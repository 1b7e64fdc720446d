"""Roll production back to the previous version.

The previous production version goes back to Production (archiving the
current one), @champion moves back to it, and the service loads @champion.
"""

import mlflow
from mlflow import MlflowClient
from sklearn.datasets import make_classification

MODEL_NAME = "fraud-classifier"

client = MlflowClient()

current = client.get_model_version_by_alias(MODEL_NAME, "champion")
archived = [
    mv
    for mv in client.search_model_versions(f"name='{MODEL_NAME}'")
    if mv.current_stage == "Archived" and int(mv.version) < int(current.version)
]
previous = max(archived, key=lambda mv: int(mv.version))
print(f"@champion is version {current.version}; rolling back to version {previous.version}")

client.transition_model_version_stage(
    MODEL_NAME, previous.version, "Production", archive_existing_versions=True
)
client.set_registered_model_alias(MODEL_NAME, "champion", previous.version)

assert client.get_model_version(MODEL_NAME, current.version).current_stage == "Archived"
production = client.get_latest_versions(MODEL_NAME, stages=["Production"])
assert [int(mv.version) for mv in production] == [int(previous.version)], production
assert int(client.get_model_version_by_alias(MODEL_NAME, "champion").version) == int(previous.version)

X, _ = make_classification(n_samples=400, n_features=8, weights=[0.8], random_state=42)
model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@champion")
predictions = model.predict(X[:10])
print(f"models:/{MODEL_NAME}@champion (version {previous.version}) predicts {list(predictions)}")
assert len(predictions) == 10
