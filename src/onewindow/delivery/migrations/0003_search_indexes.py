# The staff search by pickup code (delivery/search.py): a hash of the code scoped by the
# service point, indexed over the codes still waiting.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0002_wrong_codes_counted_per_client_and_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="windowpickup",
            name="lookup_hash",
            field=models.CharField(
                blank=True,
                help_text="领取码按领取地点计算的 HMAC-SHA256 摘要，供窗口人员按领取码查找办件；本字段加入前生成的领取码为空。",
                max_length=64,
                verbose_name="领取码检索摘要",
            ),
        ),
        migrations.AddIndex(
            model_name="windowpickup",
            index=models.Index(
                condition=models.Q(("collected_at__isnull", True)),
                fields=["lookup_hash"],
                name="pickup_waiting_lookup",
            ),
        ),
    ]
