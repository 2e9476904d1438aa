"""Program pages, MOE and measurement entry, approvals, and the other records."""
from django.urls import path

from .views import measures, programs, records

app_name = "programs"

urlpatterns = [
    path("", programs.program_list, name="program-list"),
    path("export/<str:fmt>/", programs.program_export, name="program-export"),
    path("export/moes/<str:fmt>/", programs.program_moe_export, name="program-moe-export"),
    path("export/measurements/<str:fmt>/", programs.program_measurement_export, name="program-measurement-export"),
    path("new/", programs.program_create_page, name="program-create"),
    path("form/country-options/", programs.program_country_options, name="program-country-options"),
    path("pick/", programs.program_pick, name="program-pick"),
    path("<int:pk>/", programs.program_detail_page, name="program-detail"),
    path("<int:pk>/edit/", programs.program_edit_page, name="program-edit"),
    path("<int:pk>/transition/", programs.program_transition_page, name="program-transition"),
    path("<int:pk>/archive/", programs.program_archive_page, name="program-archive"),
    path("<int:pk>/restore/", programs.program_restore_page, name="program-restore"),
    path("<int:pk>/history/", programs.program_history_page, name="program-history"),
    path("<int:pk>/moes/new/", measures.moe_create_page, name="moe-create"),
    path("<int:pk>/moes/target-grid/", measures.moe_target_grid, name="moe-target-grid"),
    path("<int:pk>/measurements/", measures.measurement_grid_page, name="measurement-grid"),
    path("moes/<int:pk>/edit/", measures.moe_edit_page, name="moe-edit"),
    path("moes/<int:pk>/archive/", measures.moe_archive_page, name="moe-archive"),
    path("moes/<int:pk>/history/", measures.moe_history_page, name="moe-history"),
    path("approvals/", measures.approvals_page, name="approvals"),
    path("approvals/decide/", measures.approvals_decide_page, name="approvals-decide"),
    path("approvals/export/<str:fmt>/", measures.approvals_export, name="approvals-export"),
    path("measurements/<int:pk>/breakdown/", measures.measurement_breakdown_page, name="measurement-breakdown"),
    path("measurements/<int:pk>/approve/", measures.measurement_approve_page, name="measurement-approve"),
    path("measurements/<int:pk>/return/", measures.measurement_return_page, name="measurement-return"),
    path("records/", records.record_index, name="record-index"),
    path("records/institutions/pick/", records.institution_pick, name="institution-pick"),
    path("records/<slug:kind>/", records.record_list, name="record-list"),
    path("records/<slug:kind>/export/<str:fmt>/", records.record_export, name="record-export"),
    path("records/<slug:kind>/new/", records.record_create_page, name="record-create"),
    path("records/<slug:kind>/<int:pk>/edit/", records.record_edit_page, name="record-edit"),
    path("records/<slug:kind>/<int:pk>/archive/", records.record_archive_page, name="record-archive"),
    path("records/<slug:kind>/<int:pk>/restore/", records.record_restore_page, name="record-restore"),
    path("records/<slug:kind>/<int:pk>/history/", records.record_history_page, name="record-history"),
]
