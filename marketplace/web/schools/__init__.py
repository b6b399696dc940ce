"""Hiring staff's pages: the `schools` blueprint, with its routes in the modules imported below."""

from flask import Blueprint

bp = Blueprint("schools", __name__, url_prefix="/school", template_folder="templates")

# Each module adds its routes to `bp`; imported after it exists, in the order their pages appear.
from marketplace.web.schools import views, wizard, manage, inbox, fair_recruitment, candidates  # noqa: E402, F401, I001
