"""Post images: every bad upload refused with a clear message, EXIF (GPS) stripped, renditions per network."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from content_library.images import RENDITION_SIZES, clean_upload
from content_library.models import Post, PostImageRendition
from tests import factories

pytestmark = pytest.mark.django_db


def image_bytes(fmt="JPEG", size=(800, 600), exif=None, mode="RGB"):
    output = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 1).save(output, fmt, **extra)
    return output.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (40.0, 25.0, 0.0), 3: "W", 4: (3.0, 42.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif


@pytest.mark.parametrize("name, data, message", [
    ("notes.jpg", b"just some text, not an image", "not an image we can read"),
    ("photo.jpg", image_bytes("PNG"), "not the JPEG image its name says (it is PNG)"),
    ("photo.png", image_bytes("JPEG"), "not the PNG image its name says (it is JPEG)"),
    ("photo.bmp", image_bytes("BMP"), "Upload a JPEG, PNG, WebP or GIF image."),
    ("photo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "Upload a JPEG, PNG, WebP or GIF image."),
    ("truncated.jpg", image_bytes("JPEG")[:400], "damaged or incomplete"),
])
def test_bad_uploads_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(name, data))
    assert message in error.value.messages[0]


def test_a_decompression_bomb_is_refused_before_it_is_decoded(settings):
    settings.IMAGE_MAX_PIXELS = 40_000_000
    bomb = image_bytes("PNG", size=(8000, 8000), mode="1")  # 64 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError, match="too many pixels"):
        clean_upload(upload("bomb.png", bomb, "image/png"))


def test_too_many_bytes_is_refused(settings):
    settings.IMAGE_MAX_BYTES = 1_000
    with pytest.raises(ValidationError, match="This image is too large"):
        clean_upload(upload("big.jpg", image_bytes("JPEG", size=(400, 400))))


def test_exif_and_gps_are_stripped():
    original = image_bytes("JPEG", exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    cleaned = clean_upload(upload("trip.jpg", original))
    stored = Image.open(io.BytesIO(cleaned.read()))
    assert not stored.getexif() and "exif" not in stored.info
    assert stored.size == (800, 600)


@pytest.mark.parametrize("fmt, name", [("PNG", "logo.png"), ("WEBP", "photo.webp"), ("GIF", "anim.gif")])
def test_each_accepted_format_goes_through(fmt, name):
    cleaned = clean_upload(upload(name, image_bytes(fmt), f"image/{fmt.lower()}"))
    assert Image.open(io.BytesIO(cleaned.read())).format == fmt


def test_the_admin_refuses_a_bad_image_and_keeps_the_post_as_it_was(client):
    comms = factories.UserFactory(roles=["comms"])
    post = factories.PostFactory(title="Keep me", status="draft")
    client.force_login(comms)
    url = reverse("admin:content_library_post_change", args=[post.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields if name not in ("image", "target_teams")}
    data.update({
        "title": "Changed", "publish_at_0": post.publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": post.publish_at.strftime("%H:%M:%S"), "expires_at_0": "", "expires_at_1": "",
        "allow_edit": "on", "image": upload("fake.jpg", image_bytes("PNG")),
        "variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0", "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    })
    response = client.post(url, data)
    assert response.status_code == 200
    assert "not the JPEG image its name says (it is PNG)" in response.content.decode()
    assert "Upload a valid image" in client.post(url, {**data, "image": upload("x.jpg", b"nope")}).content.decode()
    post.refresh_from_db()
    assert post.title == "Keep me" and not post.image


def test_renditions_are_cut_for_each_network_and_offered_beside_the_share_buttons(client, employee, settings,
                                                                                   django_capture_on_commit_callbacks):
    from content_library.tasks import make_renditions

    post = factories.PostFactory()
    post.image = clean_upload(upload("team.jpg", image_bytes("JPEG", size=(2000, 1500), exif=gps_exif())))
    post.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert make_renditions.delay(post.pk).get() == len(RENDITION_SIZES)
    sizes = {r.kind: (r.width, r.height) for r in PostImageRendition.objects.filter(post=post)}
    assert sizes == {size.kind: (size.width, size.height) for size in RENDITION_SIZES}

    with django_capture_on_commit_callbacks(execute=True):  # run again: replaced, not duplicated
        make_renditions.delay(post.pk).get()
    assert PostImageRendition.objects.filter(post=post).count() == len(RENDITION_SIZES)

    client.force_login(employee)
    html = client.get("/").content.decode()
    assert "LinkedIn 1200×627" in html and "Instagram 1080×1080" in html and " download>" in html

    Post.objects.filter(pk=post.pk).update(image="")
    make_renditions.delay(post.pk).get()
    assert not PostImageRendition.objects.filter(post=post).exists()
