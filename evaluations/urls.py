from django.urls import path
from django.views.generic import RedirectView

from .views import coordination, crises, evaluations, reports

app_name = "evaluations"

urlpatterns = [
    path("", evaluations.evaluation_list_page, name="evaluation-list"),
    path("new/", evaluations.evaluation_create_page, name="evaluation-create"),
    path("<int:pk>/", evaluations.evaluation_detail_page, name="evaluation-detail"),
    path("recommendations/<int:pk>/follow-up/", evaluations.recommendation_follow_up_page, name="recommendation-follow-up"),
    path("recommendations/overdue/", evaluations.overdue_page, name="overdue"),
    path("priority/", evaluations.priority_page, name="priority"),
    path("coordination/", coordination.coordination_page, name="coordination"),
    path("coordination/acknowledge/", coordination.acknowledge_page, name="acknowledge"),
    path("target-vs-actual/", reports.target_vs_actual_page, name="target-vs-actual"),
    path("rollups/", reports.rollups_page, name="rollups"),
    path("crises/", crises.crisis_list_page, name="crisis-list"),
    path("crises/<int:pk>/close/", crises.crisis_close_page, name="crisis-close"),
    # The navigation's "Reviews" entry: the queue itself lives with the dashboards.
    path("reviews/", RedirectView.as_view(pattern_name="dashboards:review-queue"), name="review-queue"),
]
