"""The portal's security measures that are code rather than settings: sign-in and refusal
logging (``audit``), the absolute session timeout (``sessions``) and the TOTP second
factor required of administrators (``otp``). docs/security.md lists every promise and
the test that holds it."""
