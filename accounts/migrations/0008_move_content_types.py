"""The moved models' content types follow them: ``accounts.signin`` becomes
``signin.signin`` (and so on) in place, keeping its id, so that the permissions and the
admin site's log entries that point at it keep pointing at the model.

A row with the new label may exist already (``migrate signin`` alone creates it after
its run): its permissions and log entries are moved onto the old row, which keeps its id,
and it is deleted. Going back relabels the same way in the other direction.
"""

from django.db import migrations, router

# model name -> (the label before the move, the label after it)
MOVED = {
    "signin": ("accounts", "signin"),
    "usedsigninproof": ("accounts", "signin"),
    "pendinginvalidation": ("accounts", "signin"),
    "auditevent": ("accounts", "audit"),
}


def _merge(apps, db, *, keep, drop) -> None:
    """Point what refers to the content type ``drop`` at ``keep``; ``drop`` is deleted."""
    Permission = apps.get_model("auth", "Permission")
    GroupPermission = apps.get_model("auth", "Group").permissions.through
    LogEntry = apps.get_model("admin", "LogEntry")
    LogEntry.objects.using(db).filter(content_type_id=drop.pk).update(content_type_id=keep.pk)
    kept = {p.codename: p for p in Permission.objects.using(db).filter(content_type_id=keep.pk)}
    for permission in Permission.objects.using(db).filter(content_type_id=drop.pk):
        twin = kept.get(permission.codename)
        if twin is None:
            permission.content_type_id = keep.pk
            permission.save(update_fields=["content_type"])
            continue
        granted = GroupPermission.objects.using(db).filter(permission_id=twin.pk)
        GroupPermission.objects.using(db).bulk_create(
            GroupPermission(group_id=group_id, permission_id=twin.pk)
            for group_id in GroupPermission.objects.using(db)
            .filter(permission_id=permission.pk)
            .exclude(group_id__in=granted.values("group_id"))
            .values_list("group_id", flat=True)
        )
        permission.delete()
    drop.delete()


def _relabel(apps, schema_editor, *, forward: bool) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not router.allow_migrate_model(db, ContentType):
        return
    rows = ContentType.objects.using(db)
    for model, (before, after) in MOVED.items():
        source, target = (before, after) if forward else (after, before)
        content_type = rows.filter(app_label=source, model=model).first()
        if content_type is None:
            continue  # a database whose content types are yet to be made (post_migrate)
        existing = rows.filter(app_label=target, model=model).first()
        if existing is not None:
            _merge(apps, db, keep=content_type, drop=existing)
        content_type.app_label = target
        content_type.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, forward=True)


def backwards(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_move_sign_in_and_audit_models"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
