from odoo import models
from odoo.http import request

from ..controllers.api import WilayahApiController
from ..wilayah.routes import is_api_path

ADDON_PACKAGE = __name__.rpartition(".models.")[0]  # odoo.addons.<this addon>


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _dispatch(cls, endpoint):
        # Odoo calls endpoint(**request.params): a query parameter named "self"
        # collides with the method's own argument (a TypeError, answered with an
        # HTML 500). This addon's routes read the query string themselves.
        # (The endpoint is a partial wrapping the route method: it carries the
        # module of the method's definition.)
        if "self" in request.params and getattr(endpoint, "__module__", "").startswith(
            f"{ADDON_PACKAGE}."
        ):
            request.params = {
                name: value for name, value in request.params.items() if name != "self"
            }
        return super()._dispatch(endpoint)

    @classmethod
    def _serve_fallback(cls):
        # /API/provinsi matches no route (werkzeug's are case-sensitive):
        # served as /api/nowhere is (key, CORS, a JSON 404), not Odoo's HTML.
        response = super()._serve_fallback()
        if response is None and is_api_path(request.httprequest.path):
            response = WilayahApiController()._serve(None)
        return response
