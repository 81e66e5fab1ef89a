"""Sign-ins record the wallet that signed in and the request's country. Existing sign-ins
get their account's wallet (until now an account had one, and every sign-in was made by
it) and an unknown country: the country of a past request cannot be known now."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def _wallet_of_the_account(apps, schema_editor) -> None:
    SignIn = apps.get_model("signin", "SignIn")
    User = apps.get_model("accounts", "User")
    address = User.objects.filter(pk=OuterRef("user_id")).values("address")[:1]
    # One UPDATE; accounts without a wallet (staff made by createsuperuser) keep "".
    SignIn.objects.filter(user__address__isnull=False).update(wallet=Subquery(address))


class Migration(migrations.Migration):
    dependencies = [
        ("signin", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="signin",
            name="wallet",
            field=models.CharField(blank=True, db_default="", default="", max_length=44),
        ),
        migrations.AddField(
            model_name="signin",
            name="country",
            field=models.CharField(blank=True, db_default="", default="", max_length=2),
        ),
        migrations.RunPython(_wallet_of_the_account, migrations.RunPython.noop),
    ]
