"""gunicorn settings for one web node: `gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001
marketplace.wsgi:app` (deploy/systemd/marketplace-web@.service passes the port).

Every value can be overridden on the command line or through the environment variables named below, so
the same file serves a server with one node or several (each node is its own gunicorn on its own port).
"""

from __future__ import annotations

import os


def _cores() -> int:
    # The cores this process may use: a container, a cgroup or taskset may allow fewer than the machine has.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# Only nginx talks to a node, on the loopback: a node is never exposed directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# WEB_CONCURRENCY is gunicorn's own variable: set it when several nodes share one server, so that their
# workers add up to about 2 x cores + 1 rather than that many each.
workers = int(os.environ.get("WEB_CONCURRENCY") or _cores() * 2 + 1)
# Synchronous workers: nginx buffers slow clients and uploads, so a worker is busy only while it computes.
worker_class = "sync"

# A request still running after this long is killed and its worker replaced (the slowest pages, a large
# CSV download or a 10 MB upload's checks, take a few seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (systemctl stop/restart) requests in flight get this long to finish.
graceful_timeout = 30
# Recycle each worker now and then, staggered, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Nothing is loaded before the fork: each worker opens its own database pool and search index.
preload_app = False

# nginx on this server sets X-Forwarded-For/-Proto/-Host; believe them only from it. The application
# (MARKETPLACE_TRUSTED_PROXIES=1) uses the same headers for the client's address and the https scheme.
# When nginx runs on another host, set FORWARDED_ALLOW_IPS to its address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# One line per request on stdout (the journal under systemd). The request id is the one nginx sent in
# X-Request-ID (or, without one, the one the application made up), as echoed in the response: the same id
# is in nginx's access log and in every JSON log line the application wrote for the request.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s - %(u)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'
)
# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), which the nodes
# of one server would fight over; systemd's signals (reload, stop) are all a node needs.
control_socket_disable = True
# Name each node's processes after its address in `ps` and the journal.
proc_name = f"marketplace-web {bind}"
