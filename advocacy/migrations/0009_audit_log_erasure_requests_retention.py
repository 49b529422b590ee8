"""The audit log of privileged actions, employees' erasure requests, and how far the retention purge has gone.
HR and administrators decide erasure requests; only administrators read the audit log."""

import django.core.serializers.json
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from advocacy.role_grants import create_all_permissions, grant

ERASURE = ["advocacy.view_erasurerequest", "advocacy.add_erasurerequest", "advocacy.decide_erasurerequest"]
GRANTS = {"hr": ERASURE, "admin": [*ERASURE, "advocacy.view_auditentry", "advocacy.view_retentionmark"]}


def grant_roles(apps, schema_editor):
    create_all_permissions(apps)
    grant(apps, GRANTS)


class Migration(migrations.Migration):

    dependencies = [
        ('advocacy', '0008_pending_tasks'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='RetentionMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=64, unique=True, verbose_name='name')),
                ('purged_through', models.DateField(blank=True, null=True, verbose_name='raw rows deleted through')),
                ('last_run_at', models.DateTimeField(blank=True, null=True, verbose_name='last run at')),
                ('last_run_summary', models.CharField(blank=True, max_length=300, verbose_name='what it did')),
            ],
            options={
                'verbose_name': 'retention state',
                'verbose_name_plural': 'retention states',
            },
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='date')),
                ('action', models.CharField(choices=[('post_approved', 'Post approved'), ('post_rejected', 'Post rejected'), ('guide_published', 'Guide version published'), ('points_adjusted', 'Points adjusted by hand'), ('redemption_approved', 'Redemption approved'), ('redemption_rejected', 'Redemption rejected'), ('redemption_delivered', 'Redemption delivered'), ('raffle_drawn', 'Raffle drawn'), ('employee_of_the_month', 'Employee of the month'), ('role_added', 'Role given'), ('role_removed', 'Role taken away'), ('permissions_changed', 'Permissions changed'), ('access_changed', 'Account access changed'), ('erasure_carried_out', 'Erasure carried out'), ('erasure_declined', 'Erasure declined'), ('retention_purge', 'Data past retention deleted'), ('network_rate_changed', 'Media value rate changed'), ('program_cost_changed', 'Program cost changed')], max_length=40, verbose_name='action')),
                ('target_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='object id')),
                ('target_repr', models.CharField(blank=True, max_length=200, verbose_name='object')),
                ('changes', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='what changed')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('target_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name='object type')),
            ],
            options={
                'verbose_name': 'audit log entry',
                'verbose_name_plural': 'audit log entries',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['action', '-at'], name='audit_action_time')],
            },
        ),
        migrations.CreateModel(
            name='ErasureRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested at')),
                ('state', models.CharField(choices=[('pending', 'Waiting for HR'), ('carried_out', 'Carried out'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn by the employee')], default='pending', max_length=16, verbose_name='state')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('decline_reason', models.TextField(blank=True, verbose_name='why it was declined')),
                ('outcome', models.JSONField(blank=True, default=dict, verbose_name='what was erased')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('employee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='erasure_requests', to=settings.AUTH_USER_MODEL, verbose_name='employee')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'erasure request',
                'verbose_name_plural': 'erasure requests',
                'ordering': ['-requested_at', '-id'],
                'permissions': [('decide_erasurerequest', 'Can carry out or decline erasure requests')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('employee',), name='one_pending_erasure_request', violation_error_message='This employee already has an erasure request waiting.'), models.UniqueConstraint(condition=models.Q(('state', 'carried_out')), fields=('employee',), name='erased_once', violation_error_message='This account was already erased.'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'declined'), _negated=True), models.Q(('decline_reason', ''), _negated=True), _connector='OR'), name='declined_erasure_says_why', violation_error_message='Say why the request is declined: the employee reads it.')],
            },
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
