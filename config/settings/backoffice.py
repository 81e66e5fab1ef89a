"""Back-office settings: how long the audit trail and spent sign-in records are kept."""

from config.env import env_int

# Audit events older than this many days are removed by `manage.py purge_expired`.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
# Revoked or expired sign-in rows are kept this many days (for the Sessions page), then purged.
SIGN_IN_RETENTION_DAYS = env_int("SIGN_IN_RETENTION_DAYS", 30)
