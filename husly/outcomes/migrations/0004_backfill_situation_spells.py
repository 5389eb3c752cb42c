"""Everyone registered before the history was kept has one open spell: the situation they
are in now, from the date it began (anonymised residents too: statistics keep it)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Resident = apps.get_model("people", "Resident")
    SituationSpell = apps.get_model("outcomes", "SituationSpell")
    SituationSpell.objects.bulk_create([
        SituationSpell(municipality_id=r.municipality_id, resident_id=r.pk,
                       situation=r.housing_situation, started_on=r.housing_situation_since)
        for r in Resident.objects.only(
            "municipality_id", "housing_situation", "housing_situation_since").iterator()
    ], batch_size=1000)


def backwards(apps, schema_editor):
    apps.get_model("outcomes", "SituationSpell").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0003_situation_spells_and_population")]
    operations = [migrations.RunPython(forwards, backwards)]
