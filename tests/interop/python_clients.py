"""Makes Upwork API calls with real Python clients this project did not write, unmodified, and
sends them to the emulator. Prints one JSON list: for each call, what the client sent (as Upwork
would have received it), whether Upwork accepts it, the mistake it carries, and the emulator's
answer.

usage: python_clients.py CLIENT BASE_URL
  CLIENT: requests-oauthlib | python-upwork | python-upwork-oauth2
  The keys are the emulator's demo keys, read from UPWORK_DIAG_DEMO_* in the environment.

How the official bindings reach the emulator: their code and constants are left as shipped, so they
sign and address every call for https://www.upwork.com as in production. The requests session the
binding owns gets a transport adapter mounted for Upwork's origins (requests' documented
Session.mount): it records the prepared request and delivers it to the emulator, path and query
unchanged. The emulator accepts a signature made for Upwork's https origin.
"""

import json
import os
import sys
import urllib.parse

import requests
from requests.adapters import HTTPAdapter

UPWORK = "https://www.upwork.com"
UPWORK_API = "https://api.upwork.com"


class ToEmulator(HTTPAdapter):
    """Delivers a request prepared for Upwork to the emulator, keeping a copy of it as sent."""

    def __init__(self, base, sent):
        super().__init__(max_retries=0)
        self.base = base
        self.sent = sent

    def send(self, request, **kwargs):
        body = request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        self.sent.append({
            "method": request.method,
            "url": request.url,
            "headers": {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()},
            "body": body,
        })
        parts = urllib.parse.urlsplit(request.url)
        request.url = self.base + parts.path + ("?" + parts.query if parts.query else "")
        response = super().send(request, **kwargs)
        self.sent[-1]["status"] = response.status_code
        return response


class Calls:
    """The calls made so far, each with what was sent and what came back."""

    def __init__(self, client, base):
        self.client = client
        self.base = base
        self.list = []
        self.sent = []

    def mount(self, session):
        adapter = ToEmulator(self.base, self.sent)
        session.mount(UPWORK + "/", adapter)
        session.mount(UPWORK_API + "/", adapter)

    def record(self, name, expect, make, mistake=None, code=None):
        """Runs `make` (one call through a mounted session) and records what it sent."""
        before = len(self.sent)
        try:
            make()
        except ValueError:  # the binding parses every answer as JSON; the status is what counts
            pass
        assert len(self.sent) == before + 1, f"{name}: expected one request, got {len(self.sent) - before}"
        call = dict(self.sent[-1])
        call.update({"client": self.client, "name": name, "expect": expect, "mistake": mistake,
                     "code": code})
        self.list.append(call)


def env(name):
    return os.environ["UPWORK_DIAG_DEMO_" + name]


def requests_oauthlib_calls(calls):
    """requests + requests-oauthlib, the pair python-upwork is built on, used the usual ways."""
    from requests_oauthlib import OAuth1

    session = requests.Session()
    calls.mount(session)
    auth = OAuth1(env("CONSUMER_KEY"), env("CONSUMER_SECRET"), env("TOKEN"), env("TOKEN_SECRET"))
    search = UPWORK + "/api/profiles/v2/search/jobs.json"
    job = UPWORK + "/api/hr/v2/jobs/~01demo0001.json"

    def get(url, auth=auth, **kw):
        return lambda: session.get(url, auth=auth, **kw)

    # Correct: the query written with %20, as the FAQ asks.
    calls.record("get-query-%20", "accept", get(search + "?q=web%20design&paging=0%3B10"))
    calls.record("get-query-no-space", "accept", get(search, params={"q": "python", "skills": "c++"}))
    calls.record("get-query-quote-via", "accept",
                 get(search + "?" + urllib.parse.urlencode({"q": "web design"}, quote_via=urllib.parse.quote)))
    # Correct: a form body, where `+` for a space is what forms say.
    calls.record("post-form-put", "accept", lambda: session.post(
        job, data={"http_method": "put", "title": "New title ~ *"}, auth=auth))
    in_query = OAuth1(env("CONSUMER_KEY"), env("CONSUMER_SECRET"), env("TOKEN"), env("TOKEN_SECRET"),
                      signature_type="query")
    # Correct: the signature in the query instead of the header (what python-upwork does).
    calls.record("get-signature-in-query", "accept", get(search + "?q=python", auth=in_query))

    # Mistake (requests' default): params= encodes a space as `+`, read by Upwork as a plus.
    calls.record("get-params-space", "reject", get(search, params={"q": "web design"}),
                 mistake="query-plus-as-space", code="param-encoding")
    # Mistake (python-upwork#49): with the signature in the query, requests-oauthlib writes the
    # query again with `+` for a space, even when the URL given had %20.
    calls.record("get-signature-in-query-space", "reject", get(search + "?q=web%20design", auth=in_query),
                 mistake="query-plus-as-space", code="param-encoding")
    # Mistake: the wrong consumer secret.
    wrong = OAuth1(env("CONSUMER_KEY"), "not-the-consumer-secret", env("TOKEN"), env("TOKEN_SECRET"))
    calls.record("wrong-consumer-secret", "reject", get(search + "?q=python", auth=wrong),
                 code="signature-mismatch")
    # Mistake: signed for http:// (the URL given to the signer was not the one sent).
    def signed_as_http():
        prepared = requests.Request("GET", search.replace("https://", "http://") + "?q=python").prepare()
        prepared = auth(prepared)
        prepared.url = search + "?q=python"
        return session.send(prepared)
    calls.record("signed-as-http", "reject", signed_as_http, mistake="wrong-scheme", code="signature-mismatch")


def python_upwork_calls(calls):
    """The official OAuth 1.0 binding, python-upwork 2.1.0, as its README shows it."""
    import upwork
    from upwork.routers.hr import jobs
    from upwork.routers.jobs import search

    def client(consumer_secret=None):
        config = upwork.Config({
            "consumer_key": env("CONSUMER_KEY"),
            "consumer_secret": consumer_secret or env("CONSUMER_SECRET"),
            "access_token": env("TOKEN"),
            "access_token_secret": env("TOKEN_SECRET"),
        })
        made = upwork.Client(config)
        calls.mount(made.requests)
        return made

    good = client()
    calls.record("teams", "accept", lambda: good.get("/hr/v2/teams"))
    calls.record("search-no-space", "accept", lambda: search.Api(good).find({"q": "python"}))
    calls.record("job-update-put-json", "accept",
                 lambda: jobs.Api(good).edit_job("~01demo0001", {"title": "New title"}))
    calls.record("job-delete-json-http-method", "accept",
                 lambda: jobs.Api(good).delete_job("~01demo0001", {"reason_code": "41"}))
    # The binding's default (python-upwork#49): requests writes the space as `+`.
    calls.record("search-with-space", "reject", lambda: search.Api(good).find({"q": "web design"}),
                 mistake="query-plus-as-space", code="param-encoding")
    wrong = client("not-the-consumer-secret")
    calls.record("wrong-consumer-secret", "reject", lambda: wrong.get("/hr/v2/teams"),
                 code="signature-mismatch")


def python_upwork_oauth2_calls(calls):
    """The official OAuth 2.0 binding, python-upwork-oauth2 3.2.0, as its README shows it."""
    import time

    import upwork
    from upwork.routers import graphql

    def client(access_token):
        config = upwork.Config({
            "client_id": env("OAUTH2_CLIENT_ID"),
            "client_secret": env("OAUTH2_CLIENT_SECRET"),
            "redirect_uri": "https://example.com/callback",
            "token": {"access_token": access_token, "refresh_token": "unused", "token_type": "Bearer",
                      "expires_in": 3600, "expires_at": time.time() + 3600},
        })
        made = upwork.Client(config)
        calls.mount(made._Client__oauth)
        return made

    good = client(env("OAUTH2_TOKEN"))
    calls.record("teams", "accept", lambda: good.get("/hr/v2/teams"))
    calls.record("job-delete-json-http-method", "accept",
                 lambda: good.delete("/hr/v2/jobs/~01demo0001", {"reason_code": "41"}))
    calls.record("job-update-put-json", "accept",
                 lambda: good.put("/hr/v2/jobs/~01demo0001", {"title": "New title"}))
    good.set_org_uid_header(env("TENANT_ID"))
    calls.record("graphql-user", "accept",
                 lambda: graphql.Api(good).execute({"query": "query { user { id nid } }"}))
    limited = client(env("OAUTH2_LIMITED_TOKEN"))
    calls.record("limited-scope", "reject", lambda: limited.get("/hr/v2/teams"), code="scope-missing")


def main():
    client, base = sys.argv[1:3]
    calls = Calls(client, base)
    {
        "requests-oauthlib": requests_oauthlib_calls,
        "python-upwork": python_upwork_calls,
        "python-upwork-oauth2": python_upwork_oauth2_calls,
    }[client](calls)
    json.dump(calls.list, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
