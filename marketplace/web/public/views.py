"""STUB."""
from flask import Blueprint

from marketplace.web.access import public

bp = Blueprint("public", __name__, template_folder="templates")


@bp.route("/")
@public
def home():
    return "home"


@bp.route("/jobs")
@public
def search():
    return "jobs"
