// Starts Swagger UI on the server's own OpenAPI document. A file rather than an inline script, so that the page's
// Content-Security-Policy can keep script-src 'self'.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    // relative to /api/v1/docs/, so that it holds behind a proxy that serves the API under another prefix
    url: "../openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "BaseLayout",
    // no badge fetched from the public validator: the page talks to this server only
    validatorUrl: null,
    // the admin token given to "Authorize" stays in this page's memory, never in the browser's storage
    persistAuthorization: false
  });
});
