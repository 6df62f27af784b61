from __future__ import annotations

from typing import Any

from django.db import migrations


def load_skills(apps: Any, schema_editor: Any) -> None:
    from marketplace.data.skills import sync_skills

    sync_skills(apps.get_model("marketplace", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]
    operations = [migrations.RunPython(load_skills, migrations.RunPython.noop)]
