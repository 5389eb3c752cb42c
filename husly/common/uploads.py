"""Uploads are checked by what they contain, never by the name or type the browser gives."""

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def image_content_type(upload) -> str | None:
    """The content type of a JPEG, PNG or WebP image, found by opening it; None otherwise."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
            image_format = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        image_format = None
    finally:
        upload.seek(0)
    return IMAGE_TYPES.get(image_format)


def scan_content_type(upload) -> str | None:
    """A scanned form: a PDF (by its signature) or a photo of the page; None otherwise."""
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    return image_content_type(upload)
