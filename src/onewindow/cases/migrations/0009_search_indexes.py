# The staff search (cases/search.py): expression indexes for the phone without its hyphen and
# for the applicant's name with the last 4 characters of the ID number.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_pending_uploads"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                django.db.models.functions.text.Replace(
                    models.F("applicant_phone"), models.Value("-"), models.Value("")
                ),
                name="case_phone_key",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                models.F("applicant_name"),
                django.db.models.functions.text.Right(models.F("applicant_id_number"), 4),
                name="case_name_id_tail",
            ),
        ),
    ]
