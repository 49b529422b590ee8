import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
LOCALE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


def test_the_browsers_language_is_used(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").content.decode()
    assert 'lang="es"' in page and "Iniciar sesión" in page
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert 'lang="en"' in page


def test_language_can_be_switched_and_sticks_to_the_profile(client, employee):
    client.force_login(employee)
    response = client.post(reverse("switch_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    employee.profile.refresh_from_db()
    assert employee.profile.language == "es"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Listo para compartir" in page


def test_switching_language_never_redirects_off_site(client):
    response = client.post(reverse("switch_language"), {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_forms_show_errors_in_the_users_language(client):
    person = factories.UserFactory()
    person.profile.language = "es"
    person.profile.save()
    client.force_login(person)
    page = client.post(reverse("join_program"), {}).content.decode()
    assert "Marca la casilla para unirte al programa." in page


def test_every_spanish_message_is_translated():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert len(catalogue) > 100
    assert not catalogue.untranslated_entries(), [e.msgid for e in catalogue.untranslated_entries()][:10]
    assert not catalogue.fuzzy_entries(), [e.msgid for e in catalogue.fuzzy_entries()][:10]


def test_compiled_catalogue_matches_the_sources(tmp_path):
    if not _has("msgfmt"):
        pytest.skip("needs GNU gettext's msgfmt to compile the catalogue")
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(LOCALE / "django.po")], check=True)
    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes(), "run `make messages` and commit django.mo"


def _has(program):
    import shutil

    return shutil.which(program) is not None
