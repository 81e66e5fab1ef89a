"""The one gunicorn configuration both benchmark targets run with."""

workers = 2
worker_class = "sync"
accesslog = None
errorlog = "-"
loglevel = "warning"
timeout = 30
