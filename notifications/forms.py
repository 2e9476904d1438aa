"""The notification preferences form: one choice of e-mail delivery per kind."""
from django import forms

from .models import Delivery, NotificationKind
from infrastructure.forms import PortalForm


class PreferencesForm(PortalForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(label=label, choices=Delivery.choices)
