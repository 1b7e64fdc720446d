"""Search registered models by name and by tag, and versions by tag."""

from mlflow import MlflowClient

MODEL_NAME = "fraud-classifier"

client = MlflowClient()

found = client.search_registered_models(filter_string="name LIKE 'fraud%'")
print(f"name LIKE 'fraud%': {[rm.name for rm in found]}")
assert [rm.name for rm in found] == [MODEL_NAME], found
assert client.search_registered_models(filter_string="name LIKE 'churn%'") == []

champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
client.set_model_version_tag(MODEL_NAME, champion.version, "validated", "true")
client.set_model_version_tag(MODEL_NAME, 1, "validated", "false")

validated = client.search_model_versions(f"name='{MODEL_NAME}' and tag.validated = 'true'")
print(f"validated versions: {[mv.version for mv in validated]}")
assert [int(mv.version) for mv in validated] == [int(champion.version)], validated

client.set_registered_model_tag(MODEL_NAME, "team", "risk")
client.set_registered_model_tag(MODEL_NAME, "task", "classification")
client.delete_registered_model_tag(MODEL_NAME, "task")

by_team = client.search_registered_models(filter_string="tags.team = 'risk'")
print(f"tags.team = 'risk': {[rm.name for rm in by_team]}")
assert [rm.name for rm in by_team] == [MODEL_NAME], by_team
assert client.get_registered_model(MODEL_NAME).tags == {"team": "risk"}
assert client.search_registered_models(filter_string="tags.team = 'growth'") == []
