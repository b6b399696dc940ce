"""STUB."""
from flask import Blueprint

from marketplace.web.access import public

bp = Blueprint("schools", __name__, template_folder="templates")


@bp.route("/school")
@public
def dashboard():
    return "x"
