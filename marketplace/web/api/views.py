"""STUB."""
from flask import Blueprint

from marketplace.web.access import public

bp = Blueprint("api", __name__, template_folder="templates")


@bp.route("/api/v1/openapi.json")
@public
def openapi():
    return {}
