"""Forms in the U.S. Web Design System (USWDS 3): one place that dresses every widget.

``PortalFormRenderer`` (settings ``FORM_RENDERER``) gives every form the bound field
below, so fields rendered by ``partials/form_fields.html``, by hand (``{{ form.label }}``)
or in formset rows all get:

- the USWDS class of their widget (``usa-input``, ``usa-select``, ``usa-textarea``,
  ``usa-checkbox__input``, ``usa-radio__input``) and ``usa-input--error`` when refused;
- their length limit stated, not enforced by the browser: a ``maxlength`` attribute
  would silently cut pasted text, so it is left out, the hint "Up to 300 characters."
  (id ``<field id>_limit``) is read with the field, and the form's ``max_length``
  validator refuses longer text with a message;
- ``aria-describedby`` naming the hint, the help text and the errors
  (``<field id>_limit``, ``<field id>_helptext``, ``<field id>_error``).

The Django admin renders with it too; the classes mean nothing to its stylesheet.
"""
from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


def uswds_widget_class(widget: forms.Widget) -> str:
    """The USWDS class for ``widget``: "" for hidden inputs and files handled natively."""
    if widget.is_hidden:
        return ""
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "usa-checkbox__input"
    if isinstance(widget, forms.RadioSelect):
        return "usa-radio__input"
    if isinstance(widget, forms.CheckboxInput):
        return "usa-checkbox__input"
    if isinstance(widget, forms.Textarea):
        return "usa-textarea"
    if isinstance(widget, forms.Select):  # also SelectMultiple
        return "usa-select"
    if isinstance(widget, forms.FileInput):
        return "usa-file-input"
    return "usa-input"


def _error_class(widget_class: str) -> str:
    return "usa-input--error" if widget_class in {"usa-input", "usa-select", "usa-textarea"} else ""


class PortalBoundField(BoundField):
    """A bound field that renders its widget the USWDS way (see the module docstring)."""

    @property
    def max_length(self) -> int | None:
        """The field's character limit (CharField ``max_length``) to state, or None. Filter
        forms (django-filter names them after their FilterSet, ``ProgramFilterForm``) state
        none: a search box's limit is noise, and the filter still refuses longer input."""
        if type(self.form).__name__.endswith(("FilterForm", "FilterSetForm")):
            return None
        return getattr(self.field, "max_length", None)

    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.max_length:
                ids.append(f"{self.auto_id}_limit")
            if self.help_text:
                ids.append(f"{self.auto_id}_helptext")
            if self.errors:
                ids.append(f"{self.auto_id}_error")
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        uswds = uswds_widget_class(widget)
        if not uswds:
            return attrs
        classes = [widget.attrs.get("class", ""), attrs.get("class", ""), uswds]
        if self.errors:
            classes.append(_error_class(uswds))
        attrs["class"] = " ".join(dict.fromkeys(c for c in " ".join(classes).split() if c))
        if "maxlength" in widget.attrs or "maxlength" in attrs:
            attrs["maxlength"] = False  # stated in the hint, refused by the server, never cut
        return attrs


class PortalFormRenderer(TemplatesSetting):
    """Django's form renderer over the project's templates (so ``templates/django/forms``
    can give radio and checkbox options the USWDS markup), with USWDS bound fields."""

    bound_field_class = PortalBoundField


def _inline_attrs(attrs: dict) -> str:
    """What Django's ``attrs.html`` writes: `` name="value"``, `` name`` for True, nothing for False."""
    parts = []
    for key, item in attrs.items():
        if item is True:
            parts.append(f" {conditional_escape(key)}")
        elif item is not False:
            parts.append(f' {conditional_escape(key)}="{escape(item)}"')  # |stringformat:'s' gives plain text
    return "".join(parts)


class InlineRenderedInput(forms.widgets.Input):
    """An ``<input>`` written in Python, to the byte what Django's ``input.html`` and
    ``attrs.html`` templates write (USWDS attributes included: they come from
    ``PortalBoundField`` before the widget renders).

    For inputs repeated many times on a page: a widget rendered through the templates
    costs ~0.3 ms (three template renders and their contexts), and the measurement grid
    has two inputs per cell; at the large benchmark size that was more than half of the
    grid page's Python time (docs/performance.md, "Load"). A test renders both ways."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        html = f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        if widget["value"] is not None:
            html += f' value="{escape(widget["value"])}"'
        return mark_safe(html + _inline_attrs(widget["attrs"]) + ">")


class InlineTextInput(InlineRenderedInput, forms.TextInput):
    """``TextInput`` written in Python (see ``InlineRenderedInput``); the grid's numbers
    are typed as text (``infrastructure.numbers.USDecimalField``)."""


class InlineHiddenInput(InlineRenderedInput, forms.HiddenInput):
    """``HiddenInput`` written in Python (see ``InlineRenderedInput``)."""


class InlineSelect(forms.Select):
    """A drop-down written in Python, to the byte what Django's ``select.html`` and
    ``select_option.html`` write: those include a template per option, and the program
    filter's country list alone has ~200 (the program list page rendered ~700 templates
    for its filter form). A test renders both ways."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_inline_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(f'\n  <option value="{escape(option["value"])}"{_inline_attrs(option["attrs"])}>'
                             f'{conditional_escape(option["label"])}</option>\n')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the template's last newline
        return mark_safe("".join(parts))
