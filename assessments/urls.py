"""Pages of the assessments app (URL names the navigation uses: assessment-list, ranking)."""
from django.urls import path

from .views import assessments, selectivity

app_name = "assessments"

urlpatterns = [
    path("", assessments.assessment_list, name="assessment-list"),
    path("new/", assessments.assessment_create, name="assessment-create"),
    path("compare/", assessments.assessment_compare, name="assessment-compare"),
    path("<int:pk>/", assessments.assessment_detail, name="assessment-detail"),
    path("<int:pk>/edit/", assessments.assessment_edit, name="assessment-edit"),
    path("<int:pk>/submit/", assessments.assessment_submit, name="assessment-submit"),
    path("<int:pk>/approve/", assessments.assessment_approve, name="assessment-approve"),
    path("<int:pk>/return/", assessments.assessment_return, name="assessment-return"),
    path("selectivity/", selectivity.ranking, name="ranking"),
    path("selectivity/<str:iso3>/", selectivity.country_selectivity, name="country-selectivity"),
    path("selectivity/<str:iso3>/tier/", selectivity.priority_tier_set, name="tier-set"),
]
