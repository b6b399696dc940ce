"""STUB."""
from flask import Blueprint

from marketplace.web.access import public

bp = Blueprint("moderators", __name__, template_folder="templates")


@bp.route("/moderation")
@public
def queue():
    return "x"
