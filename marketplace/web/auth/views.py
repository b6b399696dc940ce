"""STUB."""
from flask import Blueprint

from marketplace.web.access import public

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/sign-in")
@public
def sign_in():
    return "sign in"


@bp.route("/register")
@public
def register():
    return "register"


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    return "out"


@bp.route("/confirm-your-email")
@public
def confirm_email_needed():
    return "confirm"
