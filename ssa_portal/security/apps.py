from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Connects the security receivers (sign-in logging, session start, second factor)."""

    name = "ssa_portal.security"
    label = "portal_security"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from . import audit, otp

        signals.user_logged_in.connect(audit.on_user_logged_in, dispatch_uid="security-sign-in")
        signals.user_logged_in.connect(otp.on_user_logged_in, dispatch_uid="security-otp-required")
        signals.user_logged_out.connect(audit.on_user_logged_out, dispatch_uid="security-sign-out")
        signals.user_login_failed.connect(audit.on_user_login_failed, dispatch_uid="security-sign-in-failed")
        try:
            from axes.signals import user_locked_out
        except ImportError:  # django-axes not installed
            return
        user_locked_out.connect(audit.on_user_locked_out, dispatch_uid="security-locked-out")
