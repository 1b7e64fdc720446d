"""Train a classifier and register it in the same step.

The run logs its parameters and metrics, and ``log_model`` with
``registered_model_name`` creates the registered model and its version 1.
"""

import mlflow
from mlflow.models import infer_signature
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

MODEL_NAME = "fraud-classifier"

X, y = make_classification(n_samples=400, n_features=8, weights=[0.8], random_state=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42)

mlflow.set_experiment("fraud-detection")

with mlflow.start_run(run_name="logistic-regression") as run:
    params = {"C": 1.0, "max_iter": 200}
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

print(f"run {run.info.run_id}: logged {model_info.model_uri}")
print(f"registered {MODEL_NAME} version {model_info.registered_model_version}")
assert int(model_info.registered_model_version) == 1, model_info.registered_model_version
