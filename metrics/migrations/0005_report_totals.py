"""The totals the monthly report reads beside DailyStat, in far fewer rows: the counts per team, campaign and
network of a day (DailySummary) and of a month (MonthlySummary), a month's per employee, post, network, team and
campaign (MonthlyStat), and the points each employee earned in a day (DailyPoints) and in a month (MonthlyPoints).
0006 fills them for the days already rolled up."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('advocacy', '0007_weekly_digest'),
        ('content_library', '0010_campaign_goal_prize_multiplier'),
        ('metrics', '0004_rollup_state_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DailyPoints',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('points', models.IntegerField(verbose_name='points')),
                ('employee', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'points earned in a day',
                'verbose_name_plural': 'points earned per day',
                'constraints': [models.UniqueConstraint(fields=('day', 'employee'), name='one_points_row_per_day_employee')],
            },
        ),
        migrations.CreateModel(
            name='DailySummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('network', models.CharField(choices=[('linkedin', 'LinkedIn'), ('x', 'X'), ('facebook', 'Facebook'), ('whatsapp', 'WhatsApp'), ('telegram', 'Telegram'), ('bluesky', 'Bluesky'), ('instagram', 'Instagram'), ('email', 'Email'), ('other', 'Other')], max_length=16)),
                ('shares', models.PositiveIntegerField(default=0)),
                ('clicks', models.PositiveIntegerField(default=0)),
                ('unique_clicks', models.PositiveIntegerField(default=0)),
                ('potential_reach', models.PositiveBigIntegerField(default=0)),
                ('impressions', models.PositiveBigIntegerField(default=0)),
                ('reactions', models.PositiveBigIntegerField(default=0)),
                ('comments', models.PositiveBigIntegerField(default=0)),
                ('reshares', models.PositiveBigIntegerField(default=0)),
                ('engagement_base', models.PositiveBigIntegerField(default=0)),
                ('hashtag_mentions', models.PositiveIntegerField(default=0)),
                ('campaign', models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='content_library.campaign')),
                ('team', models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='advocacy.team')),
            ],
            options={
                'verbose_name': 'daily summary',
                'verbose_name_plural': 'daily summaries',
                'indexes': [models.Index(fields=['day'], name='dailysummary_day')],
            },
        ),
        migrations.CreateModel(
            name='MonthlyPoints',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='The first day of the month.', verbose_name='month')),
                ('points', models.IntegerField(verbose_name='points')),
                ('employee', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'points earned in a month',
                'verbose_name_plural': 'points earned per month',
                'constraints': [models.UniqueConstraint(fields=('month', 'employee'), name='one_points_row_per_month_employee')],
            },
        ),
        migrations.CreateModel(
            name='MonthlyStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='The first day of the month.', verbose_name='month')),
                ('network', models.CharField(choices=[('linkedin', 'LinkedIn'), ('x', 'X'), ('facebook', 'Facebook'), ('whatsapp', 'WhatsApp'), ('telegram', 'Telegram'), ('bluesky', 'Bluesky'), ('instagram', 'Instagram'), ('email', 'Email'), ('other', 'Other')], max_length=16)),
                ('shares', models.PositiveIntegerField(default=0)),
                ('clicks', models.PositiveIntegerField(default=0)),
                ('reactions', models.PositiveBigIntegerField(default=0)),
                ('comments', models.PositiveBigIntegerField(default=0)),
                ('reshares', models.PositiveBigIntegerField(default=0)),
                ('campaign', models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='content_library.campaign')),
                ('employee', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('post', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='content_library.post')),
                ('team', models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='advocacy.team')),
            ],
            options={
                'verbose_name': 'monthly statistic',
                'verbose_name_plural': 'monthly statistics',
                'indexes': [models.Index(fields=['month', 'employee'], name='monthlystat_month_employee')],
            },
        ),
        migrations.CreateModel(
            name='MonthlySummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='The first day of the month.', verbose_name='month')),
                ('network', models.CharField(choices=[('linkedin', 'LinkedIn'), ('x', 'X'), ('facebook', 'Facebook'), ('whatsapp', 'WhatsApp'), ('telegram', 'Telegram'), ('bluesky', 'Bluesky'), ('instagram', 'Instagram'), ('email', 'Email'), ('other', 'Other')], max_length=16)),
                ('shares', models.PositiveIntegerField(default=0)),
                ('clicks', models.PositiveIntegerField(default=0)),
                ('unique_clicks', models.PositiveIntegerField(default=0)),
                ('potential_reach', models.PositiveBigIntegerField(default=0)),
                ('impressions', models.PositiveBigIntegerField(default=0)),
                ('reactions', models.PositiveBigIntegerField(default=0)),
                ('comments', models.PositiveBigIntegerField(default=0)),
                ('reshares', models.PositiveBigIntegerField(default=0)),
                ('engagement_base', models.PositiveBigIntegerField(default=0)),
                ('hashtag_mentions', models.PositiveIntegerField(default=0)),
                ('campaign', models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='content_library.campaign')),
                ('team', models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='advocacy.team')),
            ],
            options={
                'verbose_name': 'monthly summary',
                'verbose_name_plural': 'monthly summaries',
                'indexes': [models.Index(fields=['month'], name='monthlysummary_month')],
            },
        ),
    ]
