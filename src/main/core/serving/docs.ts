/** `GET /docs`: Swagger UI from the installed swagger-ui-dist files (no CDN), pointed at /openapi.json. */
import type express from 'express';
import { createRequire } from 'node:module';
import path from 'node:path';

const ASSETS = new Set([
  'swagger-ui.css',
  'index.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

function swaggerDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

// Relative URLs throughout, so the docs work wherever the app is mounted.
const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>ml-sys scoring server — API</title>
    <link rel="stylesheet" type="text/css" href="./swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="./index.css" />
    <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="./swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="./swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="./init.js" charset="UTF-8"></script>
  </body>
</html>
`;

const INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: new URL('../openapi.json', window.location.href).toString(),
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

export function mountDocs(app: express.Express): void {
  const dir = swaggerDir();
  // routing is not strict: '/docs' also matches '/docs/', whose relative asset URLs resolve under it
  app.get('/docs', (req, res) => {
    if (req.path.endsWith('/')) res.type('html').send(PAGE);
    else res.redirect(301, 'docs/');
  });
  app.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  app.get('/docs/:file', (req, res, next) => {
    const file = String(req.params.file);
    if (!ASSETS.has(file)) return next();
    res.sendFile(path.join(dir, file), { maxAge: '1h' });
  });
}
