"""Move versions through Staging to Production, archiving the version they
replace, then load models by stage and by version number."""

import mlflow
from mlflow import MlflowClient
from sklearn.datasets import make_classification

MODEL_NAME = "fraud-classifier"

client = MlflowClient()

client.transition_model_version_stage(name=MODEL_NAME, version=1, stage="Staging")
client.transition_model_version_stage(name=MODEL_NAME, version=1, stage="Production")
print("version 1: Staging, then Production")

client.transition_model_version_stage(name=MODEL_NAME, version=2, stage="Staging")
client.transition_model_version_stage(
    name=MODEL_NAME, version=2, stage="Production", archive_existing_versions=True
)
print("version 2: Staging, then Production, archiving version 1")

stages = {mv.version: mv.current_stage for mv in client.search_model_versions(f"name='{MODEL_NAME}'")}
print(f"stages: {stages}")
assert client.get_model_version(MODEL_NAME, 1).current_stage == "Archived"
assert client.get_model_version(MODEL_NAME, 2).current_stage == "Production"
production = client.get_latest_versions(MODEL_NAME, stages=["Production"])
assert [int(mv.version) for mv in production] == [2], production

X, _ = make_classification(n_samples=400, n_features=8, weights=[0.8], random_state=42)

production_model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}/Production")
predictions = production_model.predict(X[:10])
print(f"models:/{MODEL_NAME}/Production predicts {list(predictions)}")
assert len(predictions) == 10

version_1_model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}/1")
predictions = version_1_model.predict(X[:10])
print(f"models:/{MODEL_NAME}/1 predicts {list(predictions)}")
assert set(predictions) <= {0, 1}
