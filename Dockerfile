# rusmonitor image: the locked environment and the project, for docker-compose.yml.
FROM python:3.11-slim
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY src ./src
RUN uv sync --locked --no-dev --extra celery --no-install-project
COPY . .
RUN uv sync --locked --no-dev --extra celery
ENV PATH="/app/.venv/bin:$PATH" RUSMONITOR_DATA=/data AIRFLOW_HOME=/data/airflow
