# Backoffice API image: the same gunicorn / celery commands as the Procfile and `make serve`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango and fonts for WeasyPrint (PDF invoices).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

# collectstatic needs settings to load; this key exists only during the build.
RUN DEBUG=false SECRET_KEY=build-only-collectstatic-key python manage.py collectstatic --noinput -v0

RUN useradd --create-home --uid 10001 app && mkdir -p /app/var && chown -R app /app/var
USER app

EXPOSE 8000
ENV HOST=0.0.0.0 PORT=8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
