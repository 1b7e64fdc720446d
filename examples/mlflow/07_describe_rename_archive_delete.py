"""Describe a model and a version; rename, archive and delete.

A scratch copy of the model is registered, renamed, archived and deleted,
and an archived version of the main model is deleted.
"""

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

MODEL_NAME = "fraud-classifier"

client = MlflowClient()

client.update_registered_model(
    name=MODEL_NAME, description="Flags card transactions that are likely fraudulent."
)
champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
client.update_model_version(
    name=MODEL_NAME,
    version=champion.version,
    description="Logistic regression with C=10; beat version 2 in the A/B test.",
)
print(f"described {MODEL_NAME} and its version {champion.version}")
assert client.get_registered_model(MODEL_NAME).description.startswith("Flags card transactions")
assert client.get_model_version(MODEL_NAME, champion.version).description.startswith("Logistic")

# A scratch model, registered from version 1's run, to try things on.
version_1 = client.get_model_version(MODEL_NAME, 1)
scratch = mlflow.register_model(f"runs:/{version_1.run_id}/model", "fraud-classifier-scratch")
client.rename_registered_model("fraud-classifier-scratch", "fraud-classifier-sandbox")
print("registered fraud-classifier-scratch, renamed it to fraud-classifier-sandbox")
assert client.get_registered_model("fraud-classifier-sandbox").name == "fraud-classifier-sandbox"
assert client.get_model_version("fraud-classifier-sandbox", scratch.version).run_id == version_1.run_id

client.transition_model_version_stage("fraud-classifier-sandbox", scratch.version, "Archived")
assert client.get_model_version("fraud-classifier-sandbox", scratch.version).current_stage == "Archived"
client.delete_registered_model("fraud-classifier-sandbox")
print("archived the sandbox's version and deleted the sandbox model")
try:
    client.get_registered_model("fraud-classifier-sandbox")
except MlflowException as error:
    assert error.error_code == "RESOURCE_DOES_NOT_EXIST", error.error_code
else:
    raise AssertionError("fraud-classifier-sandbox still exists")

# Version 1 was archived when version 2 went to production: delete it.
assert client.get_model_version(MODEL_NAME, 1).current_stage == "Archived"
client.delete_model_version(MODEL_NAME, 1)
remaining = sorted(int(mv.version) for mv in client.search_model_versions(f"name='{MODEL_NAME}'"))
print(f"deleted version 1 of {MODEL_NAME}; versions left: {remaining}")
assert remaining == [2, 3], remaining
