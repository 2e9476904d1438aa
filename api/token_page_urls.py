"""The portal's API token page (/api-tokens/)."""
from django.urls import path

from . import token_pages

app_name = "api-tokens"

urlpatterns = [
    path("", token_pages.token_list, name="list"),
    path("<int:pk>/revoke/", token_pages.token_revoke, name="revoke"),
]
