# Grouped colour notices (ColourChange, ColourNoticeClock) and the worklists' indexes (issue 10).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_search_indexes'),
        ('catalog', '0003_item_signature_and_result_document'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ColourChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('colour', models.CharField(help_text='变成的颜色：yellow 或 red。', max_length=8, verbose_name='监察状态')),
                ('deadline', models.DateField(blank=True, help_text='变色时的承诺办结日期或任务到期日期。', null=True, verbose_name='到期日期')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='发现变色的时间。', verbose_name='变色时间')),
            ],
            options={
                'verbose_name': '监察状态变化',
                'verbose_name_plural': '监察状态变化',
            },
        ),
        migrations.CreateModel(
            name='ColourNoticeClock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('address', models.CharField(help_text='user:<编号> 或 department:<编号>。', max_length=40, unique=True, verbose_name='接收地址')),
                ('last_sent_at', models.DateTimeField(help_text='最近一次发出汇总通知的时间。', verbose_name='上次通知时间')),
            ],
            options={
                'verbose_name': '监察汇总通知时钟',
                'verbose_name_plural': '监察汇总通知时钟',
            },
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('supplement_due__isnull', False)), fields=['supplement_due'], name='case_tolerated_due'),
        ),
        migrations.AddIndex(
            model_name='reviewtask',
            index=models.Index(condition=models.Q(('decided_at__isnull', False)), fields=['department', '-decided_at'], name='task_done'),
        ),
        migrations.AddIndex(
            model_name='reviewtask',
            index=models.Index(condition=models.Q(('decided_at__isnull', False)), fields=['-decided_at'], name='task_done_at'),
        ),
        migrations.AddField(
            model_name='colourchange',
            name='case',
            field=models.ForeignKey(help_text='变色的办件，或变色任务所属的办件。', on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case', verbose_name='办件'),
        ),
        migrations.AddField(
            model_name='colourchange',
            name='department',
            field=models.ForeignKey(blank=True, help_text='接收汇总通知的部门。', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.department', verbose_name='接收部门'),
        ),
        migrations.AddField(
            model_name='colourchange',
            name='notification',
            field=models.ForeignKey(blank=True, help_text='告知此变化的汇总通知；为空表示尚待告知。', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.notification', verbose_name='汇总通知'),
        ),
        migrations.AddField(
            model_name='colourchange',
            name='recipient',
            field=models.ForeignKey(blank=True, help_text='接收汇总通知的工作人员；为空时发给整个部门。', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='接收人'),
        ),
        migrations.AddField(
            model_name='colourchange',
            name='task',
            field=models.ForeignKey(blank=True, help_text='变色的部门审批任务；办件本身变色时为空。', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.reviewtask', verbose_name='审批任务'),
        ),
        migrations.AddIndex(
            model_name='colourchange',
            index=models.Index(condition=models.Q(('notification__isnull', True)), fields=['department', 'recipient'], name='colour_change_pending'),
        ),
    ]
