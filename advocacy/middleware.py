from django.core.exceptions import SuspiciousOperation
from django.utils import translation


class ProfileLanguageMiddleware:
    """A signed-in employee sees the site in the language of their profile, once they have picked one.

    Anonymous visitors get LocaleMiddleware's choice (the language cookie, else the browser's).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = getattr(getattr(user, "profile", None), "language", "")
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class NulCharacterRejected(SuspiciousOperation):
    pass


class RefuseNulCharactersMiddleware:
    """A NUL character is never part of a valid address or query here, and PostgreSQL refuses it in any text
    it is compared with: a request whose path or query string carries one gets a 400 at once, rather than a 500
    from whichever filter (the admin's list filters, a token lookup) passes it to the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise NulCharacterRejected("NUL character in the path or the query string")
        return self.get_response(request)
