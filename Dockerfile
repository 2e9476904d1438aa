# Production-like image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=ssa_portal.settings.production
WORKDIR /app
# Pango and a font for WeasyPrint (the PDF briefs).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only-placeholder-key-that-is-long-enough-for-the-check-0123456789 \
    python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 portal && chown -R portal /app
USER portal
EXPOSE 8000
CMD ["gunicorn", "ssa_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "60"]
