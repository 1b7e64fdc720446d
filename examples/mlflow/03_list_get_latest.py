"""List the registry, fetch a model and its versions, and find the latest."""

from mlflow import MlflowClient

MODEL_NAME = "fraud-classifier"

client = MlflowClient()

for rm in client.search_registered_models():
    print(f"registered model: {rm.name}")
assert MODEL_NAME in [rm.name for rm in client.search_registered_models()]

model = client.get_registered_model(MODEL_NAME)
print(f"{model.name}: latest versions {[(mv.version, mv.current_stage) for mv in model.latest_versions]}")

latest = client.get_latest_versions(MODEL_NAME, stages=["None"])
print(f"latest version in stage None: {[mv.version for mv in latest]}")
assert [int(mv.version) for mv in latest] == [2], latest

versions = client.search_model_versions(f"name='{MODEL_NAME}'")
for mv in sorted(versions, key=lambda mv: int(mv.version)):
    print(f"version {mv.version}: stage={mv.current_stage} status={mv.status} run_id={mv.run_id}")
assert sorted(int(mv.version) for mv in versions) == [1, 2], versions

version_1 = client.get_model_version(MODEL_NAME, "1")
print(f"version 1 comes from {version_1.source}")
assert version_1.current_stage == "None", version_1.current_stage
assert client.get_run(version_1.run_id).data.params["C"] == "1.0"
