from django.contrib import admin, messages
from knox.admin import AuthTokenAdmin
from knox.models import AuthToken

from infrastructure.admin_protection import ReadOnlyAdminMixin

from .models import TokenGrant
from .tokens import api_token_make_read_only, api_token_revoke


@admin.register(TokenGrant)
class TokenGrantAdmin(admin.ModelAdmin):
    """Grants are issued on the portal's token page or with ``manage.py api_token_issue`` (the
    clear-text token is shown once there); here they are reviewed, write access withdrawn, or tokens revoked,
    through the services of ``api.tokens`` (each logged). Nothing is edited or deleted directly."""

    list_display = ("label", "user", "can_write", "issued_at", "expires_at")
    list_filter = ("can_write",)
    search_fields = ("label", "user__username")
    readonly_fields = ("user", "issued_by", "issued_at", "expires_at")
    fields = ("label", "can_write", "user", "issued_by", "issued_at", "expires_at")
    actions = ("make_read_only", "revoke")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the actions below change grants, through the services

    def has_delete_permission(self, request, obj=None):
        return False  # "Revoke tokens" deletes the token and its grant, logged

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Withdraw write access")
    def make_read_only(self, request, queryset):
        count = sum(api_token_make_read_only(grant=grant, actor=request.user, request=request) for grant in queryset)
        self.message_user(request, f"{count} token(s) are now read-only.", messages.SUCCESS)

    @admin.action(description="Revoke tokens (they stop working at once)")
    def revoke(self, request, queryset):
        grants = list(queryset)
        for grant in grants:
            api_token_revoke(grant=grant, actor=request.user, request=request)
        self.message_user(request, f"{len(grants)} token(s) revoked.", messages.SUCCESS)


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class KnoxTokenAdmin(ReadOnlyAdminMixin, AuthTokenAdmin):
    """knox's token digests: read here; revoked through the grants above (logged)."""
