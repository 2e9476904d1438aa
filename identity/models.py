"""Identity: the sign-in policy, the group -> role mapping, users' links to their
identity providers and their sign-in records.

``SignInPolicy`` and ``GroupRoleMapping`` are set by administrators in the Django admin
and keep their history; the others are written by ``identity.services`` only.
"""
from django.conf import settings
from django.db import models

from infrastructure.constraints import UniqueConstraint
from infrastructure.models import SingleRow, history
from programs.permissions import ADMINISTRATOR, ANALYST, MANAGER


class SignInPolicy(SingleRow):
    """The administrators' switches (one row; the defaults apply until saved)."""

    local_password_sign_in = models.BooleanField(
        "local password sign-in",
        default=True,
        help_text="Off: only break-glass administrators may sign in with a password; "
                  "everyone else signs in through their agency's identity provider.",
    )
    elevated_roles_require_piv = models.BooleanField(
        "managers and administrators need a PIV card",
        default=False,
        help_text="On: Managers and Administrators who sign in through an identity provider "
                  "must have used a PIV/CAC-level authentication context (the provider's "
                  "configured PIV acr values).",
    )
    history = history()

    class Meta(SingleRow.Meta):
        verbose_name = "sign-in policy"
        verbose_name_plural = "sign-in policy"

    def __str__(self) -> str:
        return "Sign-in policy"


class GroupRoleMapping(models.Model):
    """A group named in the provider's group claim grants a portal role."""

    ROLE_CHOICES = [(ANALYST, ANALYST), (MANAGER, MANAGER), (ADMINISTRATOR, ADMINISTRATOR)]

    provider = models.CharField(
        max_length=40, blank=True,
        help_text="Provider key from OIDC_PROVIDERS; blank: any provider.",
    )
    group = models.CharField(max_length=200, help_text="The group as the provider's group claim names it; "
                                                        "* : everyone the provider signs in.")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    history = history()

    class Meta:
        ordering = ["provider", "group"]
        constraints = [
            UniqueConstraint(
                fields=["provider", "group"], name="group_role_mapping_unique", field="group",
                violation_error_message="This identity provider already maps this group to a role.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider or '*'}:{self.group} -> {self.role}"


class ProviderAccount(models.Model):
    """A user's identity at a provider (issuer + subject), with what the portal keeps to
    ask the provider later whether the account still exists."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_accounts")
    provider = models.CharField(max_length=40)
    subject = models.CharField(max_length=255)
    refresh_token = models.TextField(blank=True, help_text="Encrypted (identity.token_sealing); empty when the provider gives none.")
    last_seen_at = models.DateTimeField(help_text="Last sign-in or successful check with the provider.")
    checked_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            UniqueConstraint(
                fields=["provider", "subject"], name="provider_account_unique_subject", field="subject",
                violation_error_message="This identity provider's account is already linked to a portal user.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class ProviderSignIn(models.Model):
    """One sign-in through a provider, with the authentication context it reported."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_sign_ins")
    provider = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    acr = models.CharField("authentication context", max_length=300, blank=True,
                           help_text="The provider's authentication context class reference (its acr claim).")
    amr = models.JSONField("authentication methods", default=list, blank=True, help_text="Authentication methods, e.g. [\"piv\", \"hwk\"].")
    piv_level = models.BooleanField("PIV card level", default=False,
                                    help_text="The authentication context is one of the provider's PIV/CAC values.")

    class Meta:
        ordering = ["-at"]
        verbose_name = "provider sign-in"

    def __str__(self) -> str:
        return f"{self.user} via {self.provider} at {self.at:%Y-%m-%d %H:%M}"
