// Makes Upwork API calls with real Node clients this project did not write, and sends them to the
// emulator. Prints one JSON list: for each call, what the client sent (as Upwork would have
// received it), whether Upwork accepts it, the mistake it carries, and the emulator's answer.
//
// usage: node node_clients.js CLIENT BASE_URL
//   CLIENT: oauth-1.0a | oauth-1.0a-mistakes | node-upwork-oauth2
//   The keys are the emulator's demo keys, read from UPWORK_DIAG_DEMO_* in the environment.
//
// oauth-1.0a only signs: the calls are signed for https://www.upwork.com and sent to the emulator
// by Node's own http module. @upwork/node-upwork-oauth2 sends its calls itself; its code is left as
// shipped and only the host it calls is changed (the instance's `baseUrl` and `gqlUrl`, built from
// constants), to a small recording forwarder in this process that passes each call on to the
// emulator untouched. A bearer token does not depend on the URL, so the call is the same one Upwork
// would get at https://www.upwork.com.
'use strict';

const crypto = require('crypto');
const http = require('http');

const UPWORK = 'https://www.upwork.com';
const UPWORK_API = 'https://api.upwork.com';
const env = (name) => process.env['UPWORK_DIAG_DEMO_' + name];

const [client, base] = process.argv.slice(2, 4);
const calls = [];

/** Sends one request to the emulator, resolves to its status. */
function deliver(method, target, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(base + target, { method, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
    request.end(body === null ? undefined : body);
  });
}

async function record(call, send) {
  const status = await send();
  calls.push(Object.assign({ client, mistake: null, code: null, body: null }, call, { status }));
}

function oauth(consumerSecret, options = {}) {
  const OAuth = require('oauth-1.0a');
  return OAuth(Object.assign({
    consumer: { key: env('CONSUMER_KEY'), secret: consumerSecret || env('CONSUMER_SECRET') },
    signature_method: 'HMAC-SHA1',
    hash_function: (text, key) => crypto.createHmac('sha1', key).update(text).digest('base64'),
  }, options));
}

async function oauth1aCalls() {
  const token = { key: env('TOKEN'), secret: env('TOKEN_SECRET') };
  const search = '/api/profiles/v2/search/jobs.json';
  const job = '/api/hr/v2/jobs/~01demo0001.json';

  /** Signs `signed` (a request for oauth-1.0a) and sends `sent` (path, query, body as written). */
  async function call(name, expect, signed, sent, extra = {}) {
    const signer = extra.signer || oauth();
    const auth = signer.toHeader(signer.authorize(signed, token));
    const headers = Object.assign({ Authorization: auth.Authorization }, sent.headers || {});
    const body = sent.body === undefined ? null : sent.body;
    if (body !== null) headers['Content-Length'] = String(Buffer.byteLength(body));
    await record(
      { name, expect, method: signed.method, url: UPWORK + sent.target, headers, body,
        mistake: extra.mistake || null, code: extra.code || null },
      () => deliver(signed.method, sent.target, headers, body));
  }

  // Correct: the query built with encodeURIComponent (%20), signed with the same URL.
  let target = search + '?q=' + encodeURIComponent('web design') + '&skills=' + encodeURIComponent('c++');
  await call('query-encodeURIComponent', 'accept', { url: UPWORK + target, method: 'GET' }, { target });
  target = search + '?q=' + encodeURIComponent("a~b*'()!");
  await call('query-reserved', 'accept', { url: UPWORK + target, method: 'GET' }, { target });
  // Correct: a form body from URLSearchParams (`+` for spaces, as forms say), its fields signed.
  const form = { http_method: 'put', title: 'New title ~ *' };
  await call('form-body-URLSearchParams', 'accept', { url: UPWORK + job, method: 'POST', data: form },
    { target: job, body: new URLSearchParams(form).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

  // Mistake: the query built with URLSearchParams (`+` for a space), the data signed as data.
  target = search + '?' + new URLSearchParams({ q: 'web design' }).toString();
  await call('query-URLSearchParams', 'reject',
    { url: UPWORK + search, method: 'GET', data: { q: 'web design' } }, { target },
    { mistake: 'query-plus-as-space', code: 'param-encoding' });
  // Mistake: signed for http://.
  target = search + '?q=python';
  await call('signed-as-http', 'reject', { url: 'http://www.upwork.com' + target, method: 'GET' }, { target },
    { mistake: 'wrong-scheme', code: 'signature-mismatch' });
  // Mistake: the query left out of what was signed.
  await call('query-not-signed', 'reject', { url: UPWORK + search, method: 'GET' }, { target },
    { mistake: 'query-params-omitted', code: 'signature-mismatch' });
  // Mistake: the wrong consumer secret.
  await call('wrong-consumer-secret', 'reject', { url: UPWORK + target, method: 'GET' }, { target },
    { signer: oauth('not-the-consumer-secret'), code: 'signature-mismatch' });
}

/**
 * Calls oauth-1.0a signs with one mistake each, for the outside reproduction of the named mistakes
 * (tests/suite/interop.rs). The library does the mistake itself, from what it is given (a URL with its
 * port, a JSON body's fields as `data`, no token secret, parameters serialized by `qs`), or with a
 * broken part plugged into it (its own hash function). Each is refused, and named by `diagnose`.
 */
async function oauth1aMistakes() {
  const qs = require('qs');
  const token = { key: env('TOKEN'), secret: env('TOKEN_SECRET') };
  const search = '/api/profiles/v2/search/jobs.json';

  async function call(name, mistake, signed, sent, signer = oauth(), signedToken = token) {
    const auth = signer.toHeader(signer.authorize(signed, signedToken));
    const headers = Object.assign({ Authorization: auth.Authorization }, sent.headers || {});
    const body = sent.body === undefined ? null : sent.body;
    if (body !== null) headers['Content-Length'] = String(Buffer.byteLength(body));
    await record(
      { name, expect: 'reject', method: signed.method, url: UPWORK + sent.target, headers, body,
        mistake, code: 'signature-mismatch' },
      () => deliver(signed.method, sent.target, headers, body));
  }

  // oauth-1.0a signs the URL as it is given: with `:443` the default port is in the base string.
  let target = search + '?q=' + encodeURIComponent('web design');
  await call('default-port-in-url', 'default-port-kept',
    { url: 'https://www.upwork.com:443' + target, method: 'GET' }, { target });

  // A JSON body's fields given as `data`: oauth-1.0a signs them, OAuth 1.0 never does.
  const fields = { title: 'Rust developer', budget: 100 };
  const jobs = '/api/hr/v2/jobs.json';
  await call('json-fields-signed', 'body-params-added',
    { url: UPWORK + jobs, method: 'POST', data: fields },
    { target: jobs, body: JSON.stringify(fields), headers: { 'Content-Type': 'application/json' } });

  // The token sent without its secret, and oauth-1.0a's `last_ampersand: false` (for services
  // that want no `&` after the consumer secret): its key is the consumer secret alone.
  await call('token-without-secret-no-ampersand', 'token-secret-omitted',
    { url: UPWORK + target, method: 'GET' }, { target }, oauth(null, { last_ampersand: false }),
    { key: token.key });

  // The parameters encoded with JavaScript's legacy `escape` (plugged in where oauth-1.0a
  // encodes them): `~` as %7E, `/` left raw, as Python 2's urllib.quote writes them.
  const legacy = oauth();
  legacy.percentEncodeData = function (data) {
    const encoded = {};
    for (const key of Object.keys(data)) encoded[escape(key)] = escape(data[key]);
    return encoded;
  };
  target = search + '?q=' + encodeURIComponent('~dev/ops');
  await call('params-legacy-escape', 'rfc1738-encoder',
    { url: UPWORK + target, method: 'GET' }, { target }, legacy);

  // The URL signed with a raw space in its path (the client's HTTP library encodes it on the
  // wire, oauth-1.0a signs the URL as given): the path signed decoded.
  const rooms = '/api/messages/v3/acme%20co/rooms.json';
  await call('path-signed-decoded', 'path-re-encoded',
    { url: UPWORK + rooms.replace('%20', ' '), method: 'GET' }, { target: rooms });

  // Repeated parameters signed as `qs` serializes an array (`skills[0]`, `skills[1]` by default;
  // `skills[]` with arrayFormat brackets) but sent repeated under their own name.
  const params = { q: 'web', skills: ['rust', 'go'] };
  target = search + '?' + qs.stringify(params, { arrayFormat: 'repeat' });
  for (const [arrayFormat, name] of [['indices', 'qs-indices'], ['brackets', 'qs-brackets']]) {
    const data = {};
    for (const [k, v] of new URLSearchParams(qs.stringify(params, { arrayFormat }))) {
      data[k] = k in data ? [].concat(data[k], v) : v;
    }
    await call('repeated-signed-as-' + name, 'repeated-params-renamed',
      { url: UPWORK + search, method: 'GET', data }, { target });
  }
}

/** A forwarder that records each call and passes it on to the emulator untouched. */
function forwarder(sent) {
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = {};
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        headers[request.rawHeaders[i]] = request.rawHeaders[i + 1];
      }
      sent.push({ method: request.method, target: request.url, headers,
        body: chunks.length ? body.toString('utf8') : null });
      const upstream = http.request(base + request.url, { method: request.method, headers }, (answer) => {
        response.writeHead(answer.statusCode, answer.headers);
        answer.pipe(response);
      });
      upstream.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function nodeUpworkOauth2Calls() {
  const UpworkApi = require('@upwork/node-upwork-oauth2');
  const { Graphql } = require('@upwork/node-upwork-oauth2/lib/routers/graphql');
  const sent = [];
  const server = await forwarder(sent);
  const local = 'http://127.0.0.1:' + server.address().port;

  function api(accessToken) {
    const made = new UpworkApi({
      clientId: env('OAUTH2_CLIENT_ID'), clientSecret: env('OAUTH2_CLIENT_SECRET'),
      redirectUri: 'https://example.com/callback', accessToken, refreshToken: 'unused',
      expiresAt: new Date(Date.now() + 3600 * 1000).toISOString(),
    });
    made.client.baseUrl = local + '/api/';
    made.client.config.gqlUrl = local + '/graphql';
    return made;
  }
  /** Runs one binding call; records what reached the forwarder, Upwork's host put back. */
  async function call(name, expect, run, extra = {}) {
    const before = sent.length;
    const status = await new Promise((resolve) => run((error, status) => resolve(status)));
    if (sent.length !== before + 1) throw new Error(`${name}: ${sent.length - before} requests`);
    const { method, target, headers, body } = sent[sent.length - 1];
    const host = target.startsWith('/graphql') ? UPWORK_API : UPWORK;
    delete headers.host;
    delete headers.Host;
    calls.push({ client, name, expect, method, url: host + target, headers, body,
      mistake: extra.mistake || null, code: extra.code || null, status });
  }

  const good = api(env('OAUTH2_TOKEN'));
  await call('teams', 'accept', (done) => good.client.get('hr/v2/teams', {}, done));
  // `request` writes the query with the `qs` module: a space as %20.
  await call('search-with-space', 'accept',
    (done) => good.client.get('profiles/v2/search/jobs', { q: 'web design' }, done));
  await call('job-update-multipart-http-method', 'accept',
    (done) => good.client.put('hr/v2/jobs/~01demo0001', { title: 'New title' }, done));
  await call('job-delete-multipart-http-method', 'accept',
    (done) => good.client.delete('hr/v2/jobs/~01demo0001', { reason_code: '41' }, done));
  const graphql = api(env('OAUTH2_TOKEN'));
  graphql.setOrgUidHeader(env('TENANT_ID'));
  await call('graphql-user', 'accept',
    (done) => new Graphql(graphql).execute({ query: 'query { user { id nid } }' }, done));
  const limited = api(env('OAUTH2_LIMITED_TOKEN'));
  await call('limited-scope', 'reject', (done) => limited.client.get('hr/v2/teams', {}, done),
    { code: 'scope-missing' });
  server.close();
}

(async () => {
  const run = {
    'oauth-1.0a': oauth1aCalls,
    'oauth-1.0a-mistakes': oauth1aMistakes,
    'node-upwork-oauth2': nodeUpworkOauth2Calls,
  }[client];
  if (!run) throw new Error('unknown client ' + client);
  await run();
  process.stdout.write(JSON.stringify(calls, null, 1));
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
