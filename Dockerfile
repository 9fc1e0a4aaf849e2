FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Collected as production serves them (hashed names, compressed copies): the key and host exist for this step only.
RUN DEBUG=false ALLOWED_HOSTS=build SECRET_KEY=collectstatic-only-not-a-secret-0123456789-abcdefghijklmnop \
    python manage.py collectstatic --noinput -v0
# var/media: MEDIA_ROOT, a volume in docker-compose.yml (made here so that the volume belongs to award).
RUN mkdir -p var/media && useradd --system --home /app award && chown -R award /app
USER award
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
