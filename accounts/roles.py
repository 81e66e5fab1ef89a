"""The roles an account can hold; what each may do is decided in ``permissions.rules``.

Its own module, free of the models, so that the rules can name roles without importing the
account model that asks them.
"""

from django.db import models


class Role(models.TextChoices):
    USER = "user", "User"
    ADMIN = "admin", "Admin"
    SUPER_ADMIN = "super_admin", "Super admin"
