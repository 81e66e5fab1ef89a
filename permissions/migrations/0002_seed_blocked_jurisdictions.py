"""Seed the default blocked jurisdictions; staff change the list in the admin site.

A starting point for a crypto launchpad, not legal advice (the README says why each is here):
- KP, IR, MM: FATF "call for action" (black list) high-risk jurisdictions.
- CU, SY: comprehensive US (OFAC) / EU sanctions programmes on the country as a whole.
- RU, BY: broad EU, UK and US financial and crypto-service sanctions.
- GB: the FCA's cryptoasset financial-promotions regime, for which pump.fun blocks the UK.
Regions such as Crimea, Donetsk and Luhansk have no alpha-2 code of their own and cannot be
listed here. Rows that exist already are left as staff set them.
"""

from django.db import migrations

DEFAULT_BLOCKED = {
    "KP": "Access from KP is not available (international sanctions)",
    "IR": "Access from IR is not available (international sanctions)",
    "MM": "Access from MM is not available (FATF high-risk jurisdiction)",
    "CU": "Access from CU is not available (international sanctions)",
    "SY": "Access from SY is not available (international sanctions)",
    "RU": "Access from RU is not available (international sanctions)",
    "BY": "Access from BY is not available (international sanctions)",
    "GB": "Access from GB is not available",
}


def seed(apps, schema_editor):
    BlockedJurisdiction = apps.get_model("permissions", "BlockedJurisdiction")
    for code, reason in DEFAULT_BLOCKED.items():
        BlockedJurisdiction.objects.get_or_create(code=code, defaults={"reason": reason})


def unseed(apps, schema_editor):
    BlockedJurisdiction = apps.get_model("permissions", "BlockedJurisdiction")
    BlockedJurisdiction.objects.filter(code__in=DEFAULT_BLOCKED).delete()


class Migration(migrations.Migration):
    dependencies = [("permissions", "0001_blocked_jurisdiction")]

    operations = [migrations.RunPython(seed, unseed)]
