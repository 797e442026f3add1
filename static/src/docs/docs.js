/* Wilayah Indonesia API: the /api/docs page (Swagger UI, served by the addon).
   Kept out of the HTML so that the page's CSP needs no inline script. */
(function () {
    "use strict";
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") {
        return;
    }
    window.ui = window.SwaggerUIBundle({
        url: root.dataset.specUrl || "/api/openapi.json",
        dom_id: "#swagger-ui",
        presets: [window.SwaggerUIBundle.presets.apis],
        layout: "BaseLayout",
        deepLinking: true,
        docExpansion: "list",
        defaultModelsExpandDepth: 0,
        displayOperationId: false,
        displayRequestDuration: true,
        showExtensions: false,
        // Only GET is served; never call a third-party validator.
        supportedSubmitMethods: ["get", "head"],
        validatorUrl: null,
        // The key stays in this page's memory, never in localStorage.
        persistAuthorization: false,
    });
})();
