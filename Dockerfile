# The API image; the worker and the scheduler run the same image with another command
# (see docker-compose.yml). Mirrors `make run` without the embedded Redis and demo data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# The report charts' CJK font comes with the Python dependencies (mplfonts), no system font needed.
RUN useradd --create-home --uid 1000 lovebank

COPY pyproject.toml requirements.lock ./
COPY server ./server
COPY workers ./workers
COPY config ./config
RUN pip install -c requirements.lock .

USER lovebank
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "--bind", "0.0.0.0:8000", "server.wsgi:app"]
