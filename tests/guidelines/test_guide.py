"""The usage guide: Markdown rendered safely, what changed highlighted, earlier versions readable,
signatures append-only and verifiable, receipts."""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from guidelines.models import Acknowledgement, AppendOnly, GuideVersion
from guidelines.services import sign_guide
from tests import factories

pytestmark = pytest.mark.django_db

V1 = """## Por qué importa

Tu voz genera **confianza**.

## Riesgos

- Nunca compartas cifras no publicadas.

Texto que desaparece en la versión 2."""

V2 = """## Por qué importa

Tu voz genera **confianza**.

## Riesgos

- Nunca compartas cifras no publicadas ni nombres de clientes.

## Nuevo apartado

Identifícate con #EmpleadoAcme."""


def publish(version, body, days_ago=0):
    return GuideVersion.objects.create(
        version=version, title="Guía", body=body, summary_of_changes="Clientes y transparencia",
        published_at=timezone.now() - timezone.timedelta(days=days_ago),
    )


def test_markdown_is_rendered_and_script_never_reaches_the_page(client, employee):
    publish(1, "**Hola** <script>alert('x')</script> [clic](javascript:alert(1)) <img src=x onerror=alert(2)>"
               "\n\n[la web](https://www.example.com)")
    client.force_login(employee)
    html = client.get(reverse("guide")).content.decode()
    assert "<strong>Hola</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html and "onerror" not in html
    assert 'href="https://www.example.com" rel="noopener noreferrer nofollow"' in html


def test_what_changed_since_my_signature_is_marked(client, employee):
    first = publish(1, V1, days_ago=30)
    sign_guide(employee, first, "Ana Pérez")
    publish(2, V2)
    client.force_login(employee)
    html = client.get(reverse("guide")).content.decode()
    assert "You signed version 1. What changed since then is marked below." in html
    changed = html.split("data-changed")[1:]
    assert len(changed) == 3  # the edited risk, the new heading and its paragraph
    assert "ni nombres de clientes" in changed[0]
    assert "Identifícate con #EmpleadoAcme" in "".join(changed)
    assert not any("Tu voz genera" in block.split("</div>")[0] for block in changed)
    assert "Texto que desaparece en la versión 2." in html.split("removed since the version you signed")[1]


def test_nothing_is_marked_for_someone_who_never_signed_or_already_signed(client, employee):
    publish(1, V1, days_ago=30)
    current = publish(2, V2)
    client.force_login(employee)
    assert "data-changed" not in client.get(reverse("guide")).content.decode()
    sign_guide(employee, current, "Ana Pérez")
    assert "data-changed" not in client.get(reverse("guide")).content.decode()


def test_earlier_versions_stay_readable(client, employee):
    publish(1, V1, days_ago=30)
    publish(2, V2)
    GuideVersion.objects.create(version=3, title="Borrador", body="No publicado")
    client.force_login(employee)
    old = client.get(reverse("guide_version", args=[1]))
    assert old.status_code == 200 and "Texto que desaparece" in old.content.decode()
    assert "This is an earlier version" in old.content.decode()
    assert 'href="/guide/versions/1/"' in client.get(reverse("guide")).content.decode()
    assert client.get(reverse("guide_version", args=[3])).status_code == 404


def test_acknowledgements_are_append_only_even_for_a_superuser(client, employee, signed_guide):
    ack = sign_guide(employee, signed_guide, "Ana Pérez")
    ack.typed_name = "Someone else"
    with pytest.raises(AppendOnly):
        ack.save()
    with pytest.raises(AppendOnly):
        ack.delete()
    with pytest.raises(AppendOnly):
        Acknowledgement.objects.filter(pk=ack.pk).update(typed_name="x")
    with pytest.raises(AppendOnly):
        Acknowledgement.objects.all().delete()

    boss = factories.UserFactory(is_superuser=True, is_staff=True)
    model_admin = admin_site._registry[Acknowledgement]
    request = type("Request", (), {"user": boss})()
    assert not model_admin.has_change_permission(request, ack)
    assert not model_admin.has_delete_permission(request, ack)
    client.force_login(boss)
    url = reverse("admin:guidelines_acknowledgement_change", args=[ack.pk])
    client.post(url, {"typed_name": "Changed"})
    assert Acknowledgement.objects.get(pk=ack.pk).typed_name == "Ana Pérez"
    assert client.post(reverse("admin:guidelines_acknowledgement_delete", args=[ack.pk]),
                       {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("column, value", [
    ("typed_name", "Mallory"), ("signed_at", "2020-01-01 00:00:00+00"), ("user_agent", "curl/8"),
    ("text_sha256", "0" * 64), ("employee_id", None), ("signature", "f" * 64),
])
def test_verify_signatures_names_a_record_whose_stored_field_was_changed(employee, signed_guide, column, value):
    other = factories.AdvocateFactory()
    clean = sign_guide(other, signed_guide, "Someone Honest")
    ack = sign_guide(employee, signed_guide, "Ana Pérez")
    if column == "employee_id":
        value = factories.UserFactory().pk
    with connection.cursor() as cursor:  # behind the model's back, as an attacker with database access would
        cursor.execute(f"UPDATE guidelines_acknowledgement SET {column} = %s WHERE id = %s", [value, ack.pk])
    with pytest.raises(CommandError, match="1 of 2 acknowledgement"):
        call_command("verify_signatures", stdout=(out := _Output()))
    assert f"TAMPERED acknowledgement #{ack.pk}" in out.text
    assert f"#{clean.pk}" not in out.text


def test_verify_signatures_notices_a_signed_text_changed_afterwards(employee, signed_guide):
    ack = sign_guide(employee, signed_guide, "Ana Pérez")
    GuideVersion.objects.filter(pk=signed_guide.pk).update(body="A different text")
    with pytest.raises(CommandError):
        call_command("verify_signatures", stdout=(out := _Output()))
    assert f"TAMPERED acknowledgement #{ack.pk}" in out.text and "text_sha256" in out.text


def test_verify_signatures_passes_when_nothing_changed(employee, signed_guide):
    sign_guide(employee, signed_guide, "Ana Pérez")
    call_command("verify_signatures", stdout=(out := _Output()))
    assert "All 1 acknowledgement(s) match their signature." in out.text


def test_my_receipt_holds_the_exact_text_and_its_hash(client, employee, signed_guide):
    import hashlib

    ack = sign_guide(employee, signed_guide, "Ana Pérez", "Mozilla/5.0 Firefox/140")
    client.force_login(employee)
    response = client.get(reverse("guide_receipt", args=[signed_guide.version]))
    assert response["Content-Disposition"] == f'attachment; filename="guide-v{signed_guide.version}-receipt.txt"'
    text = response.content.decode()
    assert ack.text_sha256 in text and ack.signature in text and "Mozilla/5.0 Firefox/140" in text
    signed = text.split("-" * 72 + "\n", 1)[1].removesuffix("\n")
    assert hashlib.sha256(signed.encode()).hexdigest() == ack.text_sha256

    client.force_login(factories.AdvocateFactory())
    assert client.get(reverse("guide_receipt", args=[signed_guide.version])).status_code == 404


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, message):
        self.text += message

    def flush(self):
        pass


def test_the_guide_is_rendered_whole_even_when_changes_are_marked(client, employee):
    first = publish(1, "1. Uno\n\n2. Dos\n\nVer la [política][p].\n\n[p]: https://www.example.com/politica",
                    days_ago=30)
    sign_guide(employee, first, "Ana Pérez")
    publish(2, "1. Uno\n\n2. Dos y tres\n\nVer la [política][p].\n\n[p]: https://www.example.com/politica")
    client.force_login(employee)
    html = client.get(reverse("guide")).content.decode()
    current = html.split("removed since the version you signed")[0]
    assert current.count("<ol>") == 1  # one list, numbered 1 and 2, not two lists starting at 1
    assert '<a href="https://www.example.com/politica"' in html and "[p]:" not in html
    assert "Dos y tres" in html.split("data-changed")[1]
