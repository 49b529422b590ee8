"""The password hasher of the test run."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 with one iteration instead of a million: the same algorithm name and hash format, so a
    gunicorn or Celery process started by a test (with the real settings) still verifies the test's passwords,
    reading the iterations from the hash, while the suite does not spend half a second on each of the thousands
    of people it makes and signs in."""

    iterations = 1
