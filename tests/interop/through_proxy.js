// Makes calls with the official OAuth 2.0 binding, @upwork/node-upwork-oauth2, exactly as its README
// shows, unmodified: its hosts are left as shipped. The calls reach Upwork's hosts through whatever
// HTTPS_PROXY and NODE_EXTRA_CA_CERTS say (here: `upwork-diag proxy`). Prints one JSON list: for
// each call, its name, the status the binding reported and its error, if any.
//
// usage: node through_proxy.js   (the keys are read from UPWORK_DIAG_DEMO_* in the environment)
'use strict';

const UpworkApi = require('@upwork/node-upwork-oauth2');
const { Graphql } = require('@upwork/node-upwork-oauth2/lib/routers/graphql');

const env = (name) => process.env['UPWORK_DIAG_DEMO_' + name];

function api(accessToken) {
  return new UpworkApi({
    clientId: env('OAUTH2_CLIENT_ID'), clientSecret: env('OAUTH2_CLIENT_SECRET'),
    redirectUri: 'https://example.com/callback', accessToken, refreshToken: 'unused',
    expiresAt: new Date(Date.now() + 3600 * 1000).toISOString(),
  });
}

(async () => {
  const results = [];
  const call = (name, run) => new Promise((resolve) => run((error, status, data) => {
    results.push({ name, status: typeof status === 'number' ? status : null,
      error: error ? String(error.message || JSON.stringify(error)) : null, returned: data || null });
    resolve();
  }));
  const good = api(env('OAUTH2_TOKEN'));
  await call('teams', (done) => good.client.get('hr/v2/teams', {}, done));
  await call('job-delete', (done) => good.client.delete('hr/v2/jobs/~01demo0001', { reason_code: '41' }, done));
  const graphql = api(env('OAUTH2_TOKEN'));
  graphql.setOrgUidHeader(env('TENANT_ID'));
  await call('graphql-user', (done) => new Graphql(graphql).execute({ query: 'query { user { id nid } }' }, done));
  const limited = api(env('OAUTH2_LIMITED_TOKEN'));
  await call('limited-scope', (done) => limited.client.get('hr/v2/teams', {}, done));
  process.stdout.write(JSON.stringify(results, null, 1));
})().catch((error) => { process.stderr.write(String(error.stack || error) + '\n'); process.exit(1); });
