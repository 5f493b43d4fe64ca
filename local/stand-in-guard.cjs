// The request guard of the embedded stand-ins (dynalite-process.cjs, s3rver-process.cjs): each
// listens on 127.0.0.1 and a free port, and must not answer a web page that reaches it by DNS
// rebinding (a name of the attacker's resolving to 127.0.0.1: the page then counts as same-origin)
// or by a cross-origin request. So a request is served only when its Host is this server's own
// address (127.0.0.1:PORT or localhost:PORT) and, when it carries an Origin, that origin is one the
// stack allows (siteOrigins() in http-server.ts); the CORS answer then names that origin, never "*".
'use strict';

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Wraps the server's request listener. `refuse(res, reason)` writes the stand-in's own error answer.
 * `allowedOrigins` are origins such as "http://127.0.0.1:3000", or with one `*` ("http://localhost:*").
 */
function guardServer(server, allowedOrigins, refuse) {
  // Each allowed origin is exact or has one `*` (as an S3 CORS rule's AllowedOrigin may).
  const patterns = allowedOrigins.map((origin) => new RegExp(`^${origin.split('*').map(escapeRegExp).join('[0-9A-Za-z.-]*')}$`));
  const allowed = { has: (origin) => patterns.some((pattern) => pattern.test(origin)) };
  const listeners = server.listeners('request');
  server.removeAllListeners('request');
  // The port is remembered: a closing server has no address, yet its open connections may still
  // bring requests.
  let port;
  server.on('request', (req, res) => {
    port = (server.address() || {}).port || port;
    const host = String(req.headers.host || '').toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      req.resume();
      return refuse(res, `Host ${host || '(none)'} is not served here`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!allowed.has(origin)) {
        req.resume();
        return refuse(res, `Origin ${origin} is not allowed`);
      }
      const setHeader = res.setHeader.bind(res);
      res.setHeader = (name, value) => setHeader(name, String(name).toLowerCase() === 'access-control-allow-origin' ? origin : value);
      setHeader('Vary', 'Origin');
    }
    for (const listener of listeners) listener.call(server, req, res);
  });
}

module.exports = { guardServer };
