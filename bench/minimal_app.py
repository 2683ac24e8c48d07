"""The yardstick: the smallest Flask JSON endpoint, served with the same gunicorn settings."""

from flask import Flask, jsonify

server = Flask(__name__)


@server.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@server.get("/ping")
def ping():
    return jsonify({"version": 1, "changed": False})
