// The API page: Swagger UI draws this server's /openapi.json. No validator badge
// (it would call a third-party service); requests made with "Try it out" go to
// this server only (the page's CSP allows no other).
window.ui = window.SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
