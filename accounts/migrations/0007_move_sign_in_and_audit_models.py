"""SignIn, UsedSignInProof and PendingInvalidation moved to ``signin``, AuditEvent to
``audit``: accounts forgets them, after ``signin`` 0001 and ``audit`` 0001 took them over.

State only: the tables (``accounts_signin``, ``accounts_usedsigninproof``,
``accounts_pendinginvalidation``, ``accounts_auditevent``), their indexes, constraints and
foreign keys stay as they are. Reversible: going back hands the models back to accounts.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_pending_invalidation"),
        ("signin", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="SignIn"),
                migrations.DeleteModel(name="UsedSignInProof"),
                migrations.DeleteModel(name="PendingInvalidation"),
                migrations.DeleteModel(name="AuditEvent"),
            ],
        ),
    ]
