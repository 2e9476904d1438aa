from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("read/", views.mark_read_page, name="mark-read"),
    path("preferences/", views.preferences_page, name="preferences"),
]
