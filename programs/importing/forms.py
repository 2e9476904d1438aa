"""The upload form: the file and the rationale that applies to every edit of approved data."""
from django import forms

from infrastructure.models import RationaleCategory
from .reading import max_bytes
from infrastructure.forms import PortalForm


class ImportUploadForm(PortalForm):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="CSV or Excel (.xlsx), at most 5 MB. Use the templates below.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )
    rationale_category = forms.ChoiceField(
        label="Rationale category",
        required=False,
        choices=[("", "— only needed when the file changes approved data —"), *RationaleCategory.choices],
        help_text="Edits of programs past the proposal stage, and of approved measurements, need a rationale.",
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the approved data changes; recorded in the history of every record the file edits.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; the limit is {max_bytes() / 1_048_576:.0f} MB. "
                "Split it into smaller files."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("rationale_category")) != bool((cleaned.get("rationale") or "").strip()):
            raise forms.ValidationError("Give both a rationale category and the rationale text, or neither.")
        return cleaned
