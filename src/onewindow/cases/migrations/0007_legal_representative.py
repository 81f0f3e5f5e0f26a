from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_decision_drafts"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="legal_representative_id_number",
            field=models.CharField(
                blank=True,
                help_text="法人申请人的法定代表人的居民身份证号码（已校验）；凭此证件可作为申请人本人领取结果。",
                max_length=18,
                verbose_name="法定代表人身份证号码",
            ),
        ),
    ]
