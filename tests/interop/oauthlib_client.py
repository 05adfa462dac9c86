"""Signs Upwork API calls with Python's oauthlib, a client this project did not write, and sends
them to the emulator. Correct calls must pass; each broken one reproduces a mistake real clients
make, and must be refused. Prints one JSON list of the calls and the emulator's answers.

usage: oauthlib_client.py BASE_URL
  The keys are the emulator's demo keys, read from UPWORK_DIAG_DEMO_* in the environment.
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

from oauthlib import oauth1
from oauthlib.oauth1.rfc5849 import utils

UPWORK = "https://www.upwork.com"
FORM = "application/x-www-form-urlencoded"


def send(base, method, url, headers, body):
    """Sends the call to the emulator: same path and query, the emulator's origin."""
    parts = urllib.parse.urlsplit(url)
    target = base + parts.path + ("?" + parts.query if parts.query else "")
    data = body.encode() if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(target, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def sign(client, method, url, body=None, signed_url=None, signed_body="same"):
    """Signs `signed_url` (default: url) and `signed_body` (default: body), as a client would."""
    headers = {"Content-Type": FORM} if body is not None else {}
    to_sign_body = body if signed_body == "same" else signed_body
    _, signed_headers, _ = client.sign(
        signed_url or url, http_method=method, body=to_sign_body, headers=dict(headers) if to_sign_body is not None else {}
    )
    headers["Authorization"] = signed_headers["Authorization"]
    return headers


def main():
    base = sys.argv[1]
    consumer_key, consumer_secret, token, token_secret = (
        os.environ["UPWORK_DIAG_DEMO_" + name]
        for name in ("CONSUMER_KEY", "CONSUMER_SECRET", "TOKEN", "TOKEN_SECRET"))
    client = oauth1.Client(consumer_key, consumer_secret, token, token_secret)
    search = UPWORK + "/api/profiles/v2/search/jobs.json"
    job = UPWORK + "/api/hr/v2/jobs/123.json"
    calls = []

    def call(name, expect, method, url, headers, body=None, mistake=None):
        status = send(base, method, url, headers, body)
        calls.append({"client": "oauthlib", "name": name, "expect": expect, "mistake": mistake, "method": method,
                      "url": url, "headers": headers, "body": body, "status": status})

    # Correct calls: every one must pass.
    for name, query in [
        ("spaces", "q=web%20design"),
        ("plus-sign", "q=c%2B%2B"),
        ("tilde", "q=a~b"),
        ("unicode", "q=caf%C3%A9%20%E2%9C%93"),
        ("reserved", "q=a%3Ab%2Fc%40d%21%2A%27%28%29%3D%26"),
        ("several", "q=web%20design&paging=0%3B10&skills=rust%2Cpython"),
    ]:
        url = search + "?" + query
        call(name, "accept", "GET", url, sign(client, "GET", url))
    body = "http_method=put&title=web%20design%20%2B%20more"
    call("form-body", "accept", "POST", job, sign(client, "POST", job, body), body)

    # Broken calls: the mistakes real clients make, each refused.
    url = search + "?q=web+design"
    original = utils.escape
    utils.escape = lambda u: urllib.parse.quote_plus(u, safe=b"~")  # a client that encodes with quote_plus
    try:
        headers = sign(client, "GET", url)
    finally:
        utils.escape = original
    # The client read its own `+` as a space and wrote it back as `+` in the base string:
    # `space-as-plus` (made with the query read as a form) reproduces it. Upwork reads the `+` as a
    # plus and refuses.
    call("quote-plus-encoder", "reject", "GET", url, headers, mistake="space-as-plus")

    url = search + "?q=web%20design"
    headers = sign(client, "GET", url, signed_url=url.replace("https://", "http://"))
    call("signed-as-http", "reject", "GET", url, headers, mistake="wrong-scheme")

    headers = sign(client, "GET", url, signed_url=search)
    call("query-not-signed", "reject", "GET", url, headers, mistake="query-params-omitted")

    headers = sign(client, "POST", job, body, signed_body=None)
    call("body-not-signed", "reject", "POST", job, headers, body, mistake="body-params-omitted")

    wrong = oauth1.Client(consumer_key, "not-the-secret", token, token_secret)
    call("wrong-secret", "reject", "GET", url, sign(wrong, "GET", url), mistake=None)

    json.dump(calls, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
