"""Makes calls with the official OAuth 2.0 binding, python-upwork-oauth2 3.2.0, exactly as its README
shows, unmodified: nothing is mounted or patched. The calls reach Upwork's hosts through whatever
HTTPS_PROXY and REQUESTS_CA_BUNDLE say (here: `upwork-diag proxy`). Prints one JSON list: for each
call, its name and what the binding returned.

usage: through_proxy.py   (the keys are read from UPWORK_DIAG_DEMO_* in the environment)
"""

import json
import os
import sys
import time

import upwork
from upwork.routers import graphql


def env(name):
    return os.environ["UPWORK_DIAG_DEMO_" + name]


def client(access_token):
    return upwork.Client(upwork.Config({
        "client_id": env("OAUTH2_CLIENT_ID"),
        "client_secret": env("OAUTH2_CLIENT_SECRET"),
        "redirect_uri": "https://example.com/callback",
        "token": {"access_token": access_token, "refresh_token": "unused", "token_type": "Bearer",
                  "expires_in": 3600, "expires_at": time.time() + 3600},
    }))


def main():
    results = []

    def call(name, make):
        try:
            results.append({"name": name, "returned": make()})
        except Exception as error:  # the test reads the error as the binding raised it
            results.append({"name": name, "error": f"{type(error).__name__}: {error}"})

    good = client(env("OAUTH2_TOKEN"))
    call("teams", lambda: good.get("/hr/v2/teams"))
    call("job-delete", lambda: good.delete("/hr/v2/jobs/~01demo0001", {"reason_code": "41"}))
    good.set_org_uid_header(env("TENANT_ID"))
    call("graphql-user", lambda: graphql.Api(good).execute({"query": "query { user { id nid } }"}))
    limited = client(env("OAUTH2_LIMITED_TOKEN"))
    call("limited-scope", lambda: limited.get("/hr/v2/teams"))
    json.dump(results, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
