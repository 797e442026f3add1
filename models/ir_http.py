from odoo import models
from odoo.http import request

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
