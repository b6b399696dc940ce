"""STUB."""
from flask import Blueprint

from marketplace.web.access import public

bp = Blueprint("jobseekers", __name__, template_folder="templates")


@bp.route("/your-applications")
@public
def applications():
    return "x"
