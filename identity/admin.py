"""Administrators set the sign-in policy and the group -> role mapping here (with
history); provider accounts and sign-in records are read-only evidence."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import GroupRoleMapping, ProviderAccount, ProviderSignIn, SignInPolicy


@admin.register(SignInPolicy)
class SignInPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "local_password_sign_in", "elevated_roles_require_piv")

    def has_add_permission(self, request) -> bool:
        return not SignInPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GroupRoleMapping)
class GroupRoleMappingAdmin(SimpleHistoryAdmin):
    list_display = ("group", "provider", "role")
    list_filter = ("role", "provider")
    search_fields = ("group",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProviderAccount)
class ProviderAccountAdmin(ReadOnlyAdmin):
    list_display = ("user", "provider", "subject", "last_seen_at", "checked_at", "disabled_at")
    list_filter = ("provider", "disabled_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "subject")
    exclude = ("refresh_token",)


@admin.register(ProviderSignIn)
class ProviderSignInAdmin(ReadOnlyAdmin):
    list_display = ("user", "provider", "at", "acr", "amr", "piv_level")
    list_filter = ("provider", "piv_level")
    list_select_related = ("user",)
    search_fields = ("user__username",)
