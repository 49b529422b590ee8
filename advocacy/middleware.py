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
