"""Train a second model, then register the run's model afterwards.

``mlflow.register_model`` adds a version to the existing registered model:
the registry numbers versions itself, so this one is version 2.
"""

import mlflow
from mlflow.models import infer_signature
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

MODEL_NAME = "fraud-classifier"

X, y = make_classification(n_samples=400, n_features=8, weights=[0.8], random_state=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42)

mlflow.set_experiment("fraud-detection")

with mlflow.start_run(run_name="scaled-logistic-regression") as run:
    params = {"C": 0.5, "class_weight": "balanced"}
    model = make_pipeline(StandardScaler(), LogisticRegression(**params)).fit(X_train, y_train)
    y_pred = model.predict(X_test)

    mlflow.log_params(params)
    mlflow.log_metrics({"accuracy": accuracy_score(y_test, y_pred), "f1": f1_score(y_test, y_pred)})
    mlflow.sklearn.log_model(
        model, name="model", signature=infer_signature(X_test, y_pred), input_example=X_test[:3]
    )

# Later, once the run looks good: register the model the run logged.
model_uri = f"runs:/{run.info.run_id}/model"
model_version = mlflow.register_model(model_uri, MODEL_NAME)

print(f"registered {model_uri} as {model_version.name} version {model_version.version}")
print(f"source: {model_version.source}, status: {model_version.status}")
assert int(model_version.version) == 2, model_version.version
assert model_version.run_id == run.info.run_id, (model_version.run_id, run.info.run_id)
