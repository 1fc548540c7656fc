from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """No models, no migrations: code and the account URLs only."""

    name = "accounts"
