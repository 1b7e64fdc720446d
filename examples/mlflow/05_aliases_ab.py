"""The champion/challenger workflow with aliases.

The production version becomes @champion, a newly trained version becomes
@challenger, both serve a share of the requests, and the challenger is
promoted by moving the alias.
"""

import random

import mlflow
import numpy as np
from mlflow import MlflowClient
from mlflow.models import infer_signature
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

MODEL_NAME = "fraud-classifier"

client = MlflowClient()
client.set_registered_model_alias(MODEL_NAME, "champion", 2)

X, y = make_classification(n_samples=400, n_features=8, weights=[0.8], random_state=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42)

mlflow.set_experiment("fraud-detection")
with mlflow.start_run(run_name="challenger"):
    params = {"C": 10.0, "max_iter": 500}
    model = LogisticRegression(**params).fit(X_train, y_train)
    y_pred = model.predict(X_test)
    mlflow.log_params(params)
    mlflow.log_metrics({"accuracy": accuracy_score(y_test, y_pred), "f1": f1_score(y_test, y_pred)})
    model_info = mlflow.sklearn.log_model(
        model,
        name="model",
        signature=infer_signature(X_test, y_pred),
        input_example=X_test[:3],
        registered_model_name=MODEL_NAME,
    )

challenger_version = model_info.registered_model_version
client.set_registered_model_alias(MODEL_NAME, "challenger", challenger_version)
client.transition_model_version_stage(MODEL_NAME, challenger_version, "Staging")
print(f"version {challenger_version} is @challenger")

champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
challenger = client.get_model_version_by_alias(MODEL_NAME, "challenger")
print(f"@champion is version {champion.version}, @challenger is version {challenger.version}")
assert (int(champion.version), int(challenger.version)) == (2, 3), (champion, challenger)
assert set(client.get_registered_model(MODEL_NAME).aliases) == {"champion", "challenger"}

champion_model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@champion")
challenger_model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@challenger")

champion_pred = champion_model.predict(X_test)
challenger_pred = challenger_model.predict(X_test)
print(f"the two agree on {np.mean(champion_pred == challenger_pred):.0%} of {len(X_test)} rows")
print(f"accuracy: champion {accuracy_score(y_test, champion_pred):.3f}, ", end="")
print(f"challenger {accuracy_score(y_test, challenger_pred):.3f}")

# Route 90% of the requests to the champion and 10% to the challenger.
random.seed(7)
served = {"champion": 0, "challenger": 0}
for row in X_test:
    variant = "champion" if random.random() < 0.9 else "challenger"
    model = champion_model if variant == "champion" else challenger_model
    model.predict(row.reshape(1, -1))
    served[variant] += 1
print(f"served: {served}")
assert served["champion"] > served["challenger"] > 0, served

# The challenger wins: it becomes the champion, in production.
client.transition_model_version_stage(
    MODEL_NAME, challenger_version, "Production", archive_existing_versions=True
)
client.set_registered_model_alias(MODEL_NAME, "champion", challenger_version)
client.delete_registered_model_alias(MODEL_NAME, "challenger")
print(f"promoted version {challenger_version}: @champion, Production; version 2 archived")

model = client.get_registered_model(MODEL_NAME)
assert {a: int(v) for a, v in model.aliases.items()} == {"champion": 3}, model.aliases
assert client.get_model_version(MODEL_NAME, 2).current_stage == "Archived"
assert client.get_model_version_by_alias(MODEL_NAME, "champion").current_stage == "Production"
