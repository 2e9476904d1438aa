"""REST API v1 routes (owned by the api app).

API views answer 401/403 in JSON themselves: DRF marks its views login_not_required, so
the site's LoginRequiredMiddleware does not redirect them to the login page; DRF's
permission classes require authentication instead.
"""
from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from .views import base as views_base
from .views import allocation, assessments, evaluations, measures, oversight, programs, reference

router = SimpleRouter()
router.register("regions", reference.RegionViewSet, basename="region")
router.register("countries", reference.CountryViewSet, basename="country")
router.register("agencies", reference.AgencyViewSet, basename="agency")
router.register("goals", reference.GoalViewSet, basename="goal")
router.register("sectors", reference.SectorViewSet, basename="sector")
router.register("partner-institutions", reference.PartnerInstitutionViewSet, basename="partner-institution")
router.register("implementing-partners", reference.ImplementingPartnerViewSet, basename="implementing-partner")
router.register("programs", programs.ProgramViewSet, basename="program")
router.register("moes", measures.MoeViewSet, basename="moe")
router.register("measurements", measures.MeasurementViewSet, basename="measurement")
router.register("reviews", oversight.ProgramReviewViewSet, basename="review")
router.register("crisis-events", oversight.CrisisEventViewSet, basename="crisis-event")
router.register("assessments", assessments.AssessmentViewSet, basename="assessment")
router.register("selectivity-scores", assessments.SelectivityScoreViewSet, basename="selectivity-score")
router.register(
    "selectivity-score-history", assessments.SelectivityScoreHistoryViewSet, basename="selectivity-score-history"
)
router.register("program-rollups", evaluations.ProgramRollupViewSet, basename="program-rollup")
router.register("country-rollups", evaluations.CountryRollupViewSet, basename="country-rollup")
router.register("region-rollups", evaluations.RegionRollupViewSet, basename="region-rollup")
router.register("goal-rollups", evaluations.GoalRollupViewSet, basename="goal-rollup")
router.register("evaluations", evaluations.EvaluationViewSet, basename="evaluation")
router.register("recommendations", evaluations.RecommendationViewSet, basename="recommendation")
router.register("coordination-findings", evaluations.CoordinationFindingViewSet, basename="coordination-finding")
router.register("allocation-scenarios", allocation.ScenarioViewSet, basename="allocation-scenario")

urlpatterns = [path("", views_base.api_root(router), name="api-root")] + router.urls + [
    # Anything else under /api/v1/ (e.g. /programs/0.5/) is a JSON 404, not the site's HTML page.
    re_path(r"^.*$", views_base.api_not_found, name="api-not-found"),
]
