import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as exc:
    try:
        from gunicorn.errors import AppImportError
    except ImportError:  # another WSGI server: its own report of the failed import
        raise exc from None
    # Gunicorn prints an AppImportError as one line and halts ("App failed to load") instead
    # of printing a traceback and booting workers again and again.
    raise AppImportError(f"Configuration error: {exc}") from None
