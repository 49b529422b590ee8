"""python manage.py verify_signatures: every guide acknowledgement whose stored fields no longer match its
seal (or whose version's text changed since), and a non-zero exit when there is any."""

from django.core.management.base import BaseCommand, CommandError

from guidelines.models import Acknowledgement


class Command(BaseCommand):
    help = "Check the HMAC seal of every guide acknowledgement; exit with status 1 if any was tampered with."

    def handle(self, *args, **options):
        checked = tampered = 0
        for acknowledgement in Acknowledgement.objects.select_related("employee", "version").order_by("pk").iterator():
            checked += 1
            problems = acknowledgement.tampered_fields()
            if problems:
                tampered += 1
                self.stdout.write(
                    f"TAMPERED acknowledgement #{acknowledgement.pk}: {acknowledgement.employee.email}, "
                    f"version {acknowledgement.version.version}, signed {acknowledgement.signed_at.isoformat()} "
                    f"— mismatch: {', '.join(problems)}"
                )
        if tampered:
            raise CommandError(f"{tampered} of {checked} acknowledgement(s) do not match their signature.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} acknowledgement(s) match their signature."))
