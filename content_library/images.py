"""Post images: what is accepted, cleaned of metadata, and cut into one rendition per network.

Accepted: JPEG, PNG, WebP or GIF whose content is what its name says, under IMAGE_MAX_BYTES and
IMAGE_MAX_PIXELS (decompression bombs are refused before a pixel is decoded). Stored: the image
re-encoded without metadata (EXIF, GPS included), turned upright first. Renditions (a Celery task): the
sizes the networks show best, cropped from the centre.
"""

import io
import os
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's format name for each extension we accept.
EXTENSION_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}


@dataclass(frozen=True)
class RenditionSize:
    kind: str
    width: int
    height: int
    label: str  # what it is for, in the download menu


RENDITION_SIZES = [
    RenditionSize("linkedin", 1200, 627, "LinkedIn 1200×627"),
    RenditionSize("x", 1600, 900, "X 1600×900"),
    RenditionSize("facebook", 1200, 630, "Facebook 1200×630"),
    RenditionSize("square", 1080, 1080, "Instagram 1080×1080"),
]


def _refuse(message):
    raise ValidationError(message, code="invalid_image")


def checked_image(upload):
    """Open `upload` as an image we accept, or raise ValidationError saying clearly why not."""
    if upload.size > settings.IMAGE_MAX_BYTES:
        _refuse(_("This image is too large: %(size)s MB, the most is %(max)s MB.") % {
            "size": round(upload.size / 1_000_000, 1), "max": settings.IMAGE_MAX_BYTES // 1_000_000})
    extension = os.path.splitext(upload.name or "")[1].lower()
    expected = EXTENSION_FORMATS.get(extension)
    if expected is None:
        _refuse(_("Upload a JPEG, PNG, WebP or GIF image."))
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > settings.IMAGE_MAX_PIXELS:
                _refuse(_("This image has too many pixels (%(w)s×%(h)s): the most is %(max)s megapixels.") % {
                    "w": image.width, "h": image.height, "max": settings.IMAGE_MAX_PIXELS // 1_000_000})
            if image.format != expected:
                _refuse(_("This file is not the %(expected)s image its name says (it is %(actual)s).") % {
                    "expected": expected, "actual": image.format or _("not an image")})
            image.verify()  # structure and checksums, without decoding
            image = Image.open(io.BytesIO(data))
            image.load()  # a truncated or corrupt file fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_("This file is not an image we can read, or it is too large once opened."))
    except (OSError, SyntaxError, ValueError):
        _refuse(_("This image is damaged or incomplete."))
    return image


def without_metadata(image, name):
    """The image re-encoded upright and without metadata (EXIF, GPS, comments), as a file named `name`."""
    output = io.BytesIO()
    if image.format == "GIF":
        frames = getattr(image, "n_frames", 1)
        image.save(output, "GIF", save_all=frames > 1, loop=image.info.get("loop", 0),
                   duration=image.info.get("duration", 100))
    else:
        upright = ImageOps.exif_transpose(image)
        if image.format == "JPEG":
            upright.convert("RGB").save(output, "JPEG", quality=90, optimize=True)
        elif image.format == "PNG":
            upright.save(output, "PNG", optimize=True)
        else:
            upright.save(output, "WEBP", quality=90)
    return ContentFile(output.getvalue(), name=os.path.basename(name))


def clean_upload(upload):
    """Validate an uploaded post image and return it stripped of metadata."""
    return without_metadata(checked_image(upload), upload.name)


def render(image_file, size):
    """One rendition (JPEG, cropped from the centre to `size`) of a stored image."""
    with Image.open(image_file) as image:
        image.seek(0)
        fitted = ImageOps.fit(image.convert("RGB"), (size.width, size.height), method=Image.Resampling.LANCZOS)
    output = io.BytesIO()
    fitted.save(output, "JPEG", quality=85, optimize=True, progressive=True)
    return output.getvalue()
