"""What an ASGI server serves: ``uvicorn app:app``."""

from yoc.web import create_app

app = create_app()
