"""Everyone registered as without a home before this existed is on the by-name list from the
date their situation began."""

from django.db import migrations

HOMELESS = ["friends_family", "shelter_temporary", "institution_release", "prison_release",
            "street", "other_homeless"]


def forwards(apps, schema_editor):
    Resident = apps.get_model("people", "Resident")
    HomelessEpisode = apps.get_model("outcomes", "HomelessEpisode")
    HomelessEpisode.objects.bulk_create([
        HomelessEpisode(municipality_id=r.municipality_id, resident_id=r.pk,
                        started_on=r.housing_situation_since, start_kind="newly_identified")
        for r in Resident.objects.filter(housing_situation__in=HOMELESS).iterator()
    ], batch_size=1000)


def backwards(apps, schema_editor):
    apps.get_model("outcomes", "HomelessEpisode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_homeless_episodes_and_resettlement"),
                    ("people", "0002_resident_retention_marks")]
    operations = [migrations.RunPython(forwards, backwards)]
