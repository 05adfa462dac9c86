"""Upwork API calls signed by Python's oauthlib, each with one mistake real clients make, for the
interop suite's outside reproduction of the named mistakes (tests/suite/interop.rs). The broken part is
plugged into oauthlib the way a client's own code breaks it: an encoder swapped for another one
(`quote_plus`, `quote` with its default `safe='/'`, an encoder run twice, none, lowercase hex), the
URL or parameters given to it differing from those sent, its header edited after signing. The base
string, key and HMAC are oauthlib's own: nothing here is computed by upwork-diag's code.

Each call is sent to the emulator (which must refuse it) and printed, with the mistake it carries,
in one JSON list in the format of the other clients.

usage: oauthlib_mistakes.py BASE_URL
  The keys are read from UPWORK_DIAG_DEMO_* in the environment.
"""

import contextlib
import json
import os
import re
import sys
import urllib.parse

from oauthlib import oauth1
from oauthlib.oauth1.rfc5849 import signature, utils

# The sending and the constants of the correct calls' client, beside this file.
from oauthlib_client import FORM, UPWORK, send

SEARCH = UPWORK + "/api/profiles/v2/search/jobs.json"
JOB = UPWORK + "/api/hr/v2/jobs/~01demo0001.json"


@contextlib.contextmanager
def patched(owner, name, value):
    """`owner.name` is `value` while the block runs."""
    saved = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


def params_encoded_with(escape):
    """oauthlib's own normalize_parameters (encode, sort, join), its encoder swapped for `escape`:
    a client that encodes its parameters with another function. The base string's outer encoding
    and the key keep oauthlib's encoder."""
    original = signature.normalize_parameters

    def normalize(params):
        with patched(utils, "escape", escape):
            return original(params)

    return patched(signature, "normalize_parameters", normalize)


def lowercase_hex(text):
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


def header_param(headers, name):
    return re.search(name + r'="([^"]*)"', headers["Authorization"]).group(1)


def main():
    base = sys.argv[1]
    consumer_key, consumer_secret, token, token_secret = (
        os.environ["UPWORK_DIAG_DEMO_" + name]
        for name in ("CONSUMER_KEY", "CONSUMER_SECRET", "TOKEN", "TOKEN_SECRET"))
    client = oauth1.Client(consumer_key, consumer_secret, token, token_secret)
    calls = []

    def sign(method, url, body=None, signer=None, signed_url=None, signed_body="same"):
        """The headers oauthlib makes for `signed_url` (default: url) and `signed_body` (default:
        body, a form)."""
        headers = {"Content-Type": FORM} if body is not None else {}
        to_sign = body if signed_body == "same" else signed_body
        _, signed, _ = (signer or client).sign(
            signed_url or url, http_method=method, body=to_sign,
            headers=dict(headers) if to_sign is not None else {})
        headers["Authorization"] = signed["Authorization"]
        return headers

    def call(name, mistake, method, url, headers, body=None, code=None):
        status = send(base, method, url, headers, body)
        calls.append({"client": "oauthlib (broken)", "name": name, "expect": "reject",
                      "mistake": mistake, "code": code, "method": method, "url": url,
                      "headers": headers, "body": body, "status": status})

    spaces = SEARCH + "?q=web%20design&paging=0%3B10"

    # The parameters encoded with quote_plus: a space as `+`.
    with params_encoded_with(lambda u: urllib.parse.quote_plus(u, safe="~")):
        call("params-quote-plus", "space-as-plus", "GET", spaces, sign("GET", spaces))

    # The parameters encoded twice, as a client does that encodes them before giving them to a
    # library that encodes them again.
    def twice(u):
        return urllib.parse.quote(urllib.parse.quote(u, safe="~"), safe="~")

    with params_encoded_with(twice):
        call("params-quoted-twice", "double-encoded", "GET", spaces, sign("GET", spaces))

    # The parameters not encoded at all.
    with params_encoded_with(lambda u: u):
        call("params-not-encoded", "unencoded", "GET", spaces, sign("GET", spaces))

    # The parameters encoded with urllib.parse.quote's default `safe='/'`: a `/` left raw (and
    # `~`, which Python 3 leaves alone too).
    slash = SEARCH + "?q=c%2Fc%2B%2B&tag=~dev&paging=0%3B10"
    with params_encoded_with(urllib.parse.quote):
        call("params-quote-default-safe", "rfc1738-encoder", "GET", slash, sign("GET", slash))

    # Every percent-encoding in lowercase hex (oauthlib's encoder swapped everywhere).
    with patched(utils, "escape", lambda u: lowercase_hex(urllib.parse.quote(u, safe="~"))):
        call("lowercase-hex-encoder", "lowercase-hex", "GET", slash, sign("GET", slash))

    # The query left out of what was signed.
    call("query-not-signed", "query-params-omitted", "GET", spaces,
         sign("GET", spaces, signed_url=SEARCH))

    # A form body sent but not signed.
    body = "http_method=put&title=web%20design%20%2B%20more"
    call("body-not-signed", "body-params-omitted", "POST", JOB,
         sign("POST", JOB, body, signed_body=None), body)

    # Signed for http:// though sent to https://.
    call("signed-as-http", "wrong-scheme", "GET", spaces,
         sign("GET", spaces, signed_url=spaces.replace("https://", "http://")))

    # The method lowercase in the base string (oauthlib uppercases it: its result edited).
    original_base = signature.signature_base_string
    with patched(signature, "signature_base_string",
                 lambda method, uri, params: original_base(method, uri, params).replace(
                     method.upper() + "&", method.lower() + "&", 1)):
        call("method-lowercase", "lowercase-method", "GET", spaces, sign("GET", spaces))

    # The key made of the secrets as they are, not encoded.
    def raw_key_hmac(base_string, signer):
        with patched(utils, "escape", lambda u: u):
            return signature.sign_hmac_sha1(base_string, signer.client_secret,
                                            signer.resource_owner_secret)

    methods = dict(oauth1.Client.SIGNATURE_METHODS)
    methods[oauth1.SIGNATURE_HMAC_SHA1] = raw_key_hmac
    with patched(oauth1.Client, "SIGNATURE_METHODS", methods):
        call("secrets-not-encoded", "secret-not-encoded", "GET", spaces, sign("GET", spaces))

    # The path's `~` written %7E (an RFC 2396 encoder run over the path) in the URL signed.
    call("path-tilde-encoded", "path-re-encoded", "GET", JOB,
         sign("GET", JOB, signed_url=JOB.replace("~", "%7E")))

    # The path encoded once more before signing (a client that encodes an already encoded
    # segment): `%7E` signed as `%257E`.
    encoded_path = JOB.replace("~", "%7E")
    call("path-encoded-twice", "path-re-encoded", "GET", encoded_path,
         sign("GET", encoded_path, signed_url=JOB.replace("~", "%257E")))

    # oauth_version signed (oauthlib always signs it) but left out of the header sent.
    headers = sign("GET", spaces)
    headers["Authorization"] = re.sub(r',?\s*oauth_version="1\.0"', "", headers["Authorization"])
    call("version-signed-not-sent", "version-added", "GET", spaces, headers)

    # oauth_version sent but not signed: signed without it, then added to the header.
    original_params = oauth1.Client.get_oauth_params

    def without_version(self, request):
        return [p for p in original_params(self, request) if p[0] != "oauth_version"]

    with patched(oauth1.Client, "get_oauth_params", without_version):
        headers = sign("GET", spaces)
    headers["Authorization"] += ', oauth_version="1.0"'
    call("version-sent-not-signed", "version-dropped", "GET", spaces, headers)

    # Signed with PLAINTEXT, declared HMAC-SHA1.
    plaintext = oauth1.Client(consumer_key, consumer_secret, token, token_secret,
                              signature_method=oauth1.SIGNATURE_PLAINTEXT)
    headers = sign("GET", spaces, signer=plaintext)
    headers["Authorization"] = headers["Authorization"].replace(
        'oauth_signature_method="PLAINTEXT"', 'oauth_signature_method="HMAC-SHA1"')
    call("plaintext-declared-hmac", "plaintext-vs-hmac", "GET", spaces, headers)

    # The token sent, its secret not given to the signer: the key is `consumer_secret&`.
    no_secret = oauth1.Client(consumer_key, consumer_secret, token, None)
    call("token-secret-not-given", "token-secret-omitted", "GET", spaces,
         sign("GET", spaces, signer=no_secret))

    # A `+` for a space in the URL: oauthlib decodes the query as a form (a space), Upwork reads
    # a plus. Named with the encoding finding, which leads.
    plus = SEARCH + "?q=web+design"
    call("query-plus", "query-plus-as-space", "GET", plus, sign("GET", plus),
         code="param-encoding")

    # The parameters read back with urllib.parse.parse_qsl's defaults, which drop a blank value:
    # `title=` is sent but not signed.
    blank = SEARCH + "?q=rust&title="
    kept = urllib.parse.urlencode(urllib.parse.parse_qsl(urllib.parse.urlsplit(blank).query),
                                  quote_via=urllib.parse.quote)
    call("blank-dropped-by-parse-qsl", "empty-params-unsigned", "GET", blank,
         sign("GET", blank, signed_url=SEARCH + "?" + kept))

    # The signature encoded once more after oauthlib encoded it in the header.
    headers = sign("GET", spaces)
    encoded = header_param(headers, "oauth_signature")
    headers["Authorization"] = headers["Authorization"].replace(
        'oauth_signature="%s"' % encoded,
        'oauth_signature="%s"' % urllib.parse.quote(encoded, safe=""))
    call("signature-encoded-twice", "signature-not-encoded", "GET", spaces, headers)

    json.dump(calls, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
