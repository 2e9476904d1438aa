"""Administrators set the sign-in policy, the group -> role mapping and accounts here; each
save goes through ``identity.services`` (history with the administrator, the security log,
API tokens revoked when an account is deactivated). Provider accounts and sign-in records
are read-only evidence. Accounts are deactivated, never deleted."""
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from infrastructure.admin_protection import ReadOnlyAdminMixin, ServiceSaveAdminMixin, SingleRowAdminMixin
from programs.models import User

from . import services
from .models import GroupRoleMapping, ProviderAccount, ProviderSignIn, SignInPolicy


@admin.register(SignInPolicy)
class SignInPolicyAdmin(SingleRowAdminMixin, ServiceSaveAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "local_password_sign_in", "elevated_roles_require_piv")
    save_service = staticmethod(services.sign_in_policy_save)


@admin.register(GroupRoleMapping)
class GroupRoleMappingAdmin(ServiceSaveAdminMixin, SimpleHistoryAdmin):
    """Mappings may be removed (the group stops granting the role): through the service,
    with history and a security-log line."""

    list_display = ("group", "provider", "role")
    list_filter = ("role", "provider")
    search_fields = ("group",)
    save_service = staticmethod(services.group_role_mapping_save)

    def has_delete_permission(self, request, obj=None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def get_actions(self, request) -> dict:
        return admin.ModelAdmin.get_actions(self, request)

    def delete_model(self, request, obj) -> None:
        services.group_role_mapping_delete(user=request.user, record=obj)

    def delete_queryset(self, request, queryset) -> None:
        for mapping in queryset:
            services.group_role_mapping_delete(user=request.user, record=mapping)


@admin.register(User)
class PortalUserAdmin(ServiceSaveAdminMixin, UserAdmin):
    list_display = ("username", "email", "agency", "is_staff", "is_active")
    list_filter = ("agency", "groups", "is_staff", "is_active")
    list_select_related = ("agency",)
    fieldsets = UserAdmin.fieldsets + (("Agency", {"fields": ("agency",)}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Agency", {"fields": ("agency",)}),)
    save_service = staticmethod(services.user_account_save)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if "groups" in form.changed_data:
            services.user_roles_changed(user=request.user, record=form.instance)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyAdminMixin, GroupAdmin):
    """The roles (Analyst, Manager, Administrator) are made by migrations
    (``programs.services.roles``) and code checks them by name: read here; who holds one is
    set on the user's page."""


@admin.register(ProviderAccount)
class ProviderAccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "provider", "subject", "last_seen_at", "checked_at", "disabled_at")
    list_filter = ("provider", "disabled_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "subject")
    exclude = ("refresh_token",)


@admin.register(ProviderSignIn)
class ProviderSignInAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "provider", "at", "acr", "amr", "piv_level")
    list_filter = ("provider", "piv_level")
    list_select_related = ("user",)
    search_fields = ("user__username",)
