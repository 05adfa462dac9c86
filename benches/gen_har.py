#!/usr/bin/env python3
"""Writes a large, realistic HAR file for benchmarking `upwork-diag scan`.

A browser session against Upwork: static assets and analytics beacons around Upwork API calls,
some with a `+` for a space in the query (param-encoding), token requests POSTed without
Content-Length (content-length-missing), GraphQL calls, 403s; headers as browsers record them and
response bodies of a few KB. Deterministic for a given seed, so two runs measure the same file.

Usage: gen_har.py OUT.har [--size-mb 200] [--entries N] [--seed 1]
(--entries defaults to 500 per MiB, the mix of benches/har_scan.sh: 100,000 for 200 MiB.)
"""

import argparse
import json
import random

WORDS = (
    "web design python react developer data analysis mobile app wordpress logo "
    "copywriting seo marketing video editing translation devops kubernetes rust"
).split()

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
)


# 2023-11-20T09:00:00Z, the session's start.
START = 1700470800


def oauth_header(rng, timestamp):
    return (
        'OAuth oauth_consumer_key="bench-consumer-key", oauth_nonce="%016x", '
        'oauth_signature="%s", oauth_signature_method="HMAC-SHA1", '
        'oauth_timestamp="%d", oauth_token="bench-token", oauth_version="1.0"'
        % (rng.getrandbits(64), "%040x%%3D" % rng.getrandbits(160), timestamp)
    )


def request_headers(rng, extra):
    headers = [
        {"name": "Host", "value": "www.upwork.com"},
        {"name": "User-Agent", "value": USER_AGENT},
        {"name": "Accept", "value": "application/json, text/plain, */*"},
        {"name": "Accept-Language", "value": "en-US,en;q=0.5"},
        {"name": "Accept-Encoding", "value": "gzip, deflate, br"},
        {"name": "Referer", "value": "https://www.upwork.com/nx/find-work/"},
        {"name": "Cookie", "value": "visitor_id=%016x; session=%032x" % (rng.getrandbits(64), rng.getrandbits(128))},
        {"name": "Connection", "value": "keep-alive"},
    ]
    return headers + extra


def response_headers(mime, length):
    return [
        {"name": "Content-Type", "value": mime},
        {"name": "Content-Length", "value": str(length)},
        {"name": "Date", "value": "Mon, 20 Nov 2023 09:00:00 GMT"},
        {"name": "Server", "value": "cloudflare"},
        {"name": "Cache-Control", "value": "no-store"},
        {"name": "X-Request-Id", "value": "bench-request-id"},
    ]


def json_body(rng, size):
    items = []
    length = 2
    while length < size:
        item = {
            "id": "~%016x" % rng.getrandbits(64),
            "title": " ".join(rng.choice(WORDS) for _ in range(6)),
            "budget": rng.randrange(50, 5000),
            "skills": [rng.choice(WORDS) for _ in range(4)],
        }
        text = json.dumps(item)
        items.append(item)
        length += len(text) + 2
    return json.dumps({"jobs": items, "paging": {"offset": 0, "count": len(items)}})


def text_body(rng, size):
    chunks = []
    length = 0
    while length < size:
        line = "function f%x(a,b){return a+b*%d;}\n" % (rng.getrandbits(32), rng.randrange(1000))
        chunks.append(line)
        length += len(line)
    return "".join(chunks)


def entry(rng, i, body_size):
    # Ten calls a second; the OAuth timestamps agree with the capture's clock.
    seconds = i // 10
    started = "2023-11-20T%02d:%02d:%02d.%03dZ" % (9 + seconds // 3600, (seconds // 60) % 60, seconds % 60, (i % 10) * 100)
    timestamp = START + seconds
    kind = rng.random()
    post_data = None
    extra = []
    mime = "application/json"
    status = 200
    if kind < 0.10:
        # A search with a space sent as `+`: the classic 401.
        query = "+".join(rng.choice(WORDS) for _ in range(2))
        url = "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=%s&paging=0%%3B10" % query
        method = "GET"
        extra = [{"name": "Authorization", "value": oauth_header(rng, timestamp)}]
        status = 401
        body = '{"error":{"code":"401","message":"Verification of signature failed."}}'
    elif kind < 0.20:
        query = "%20".join(rng.choice(WORDS) for _ in range(2))
        url = "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=%s" % query
        method = "GET"
        extra = [{"name": "Authorization", "value": oauth_header(rng, timestamp)}]
        body = json_body(rng, body_size)
    elif kind < 0.25:
        # The token request, its parameters in the URL, POSTed without Content-Length.
        url = (
            "https://www.upwork.com/api/auth/v1/oauth/token/request?oauth_consumer_key=bench-consumer-key"
            "&oauth_nonce=%016x&oauth_signature_method=HMAC-SHA1&oauth_timestamp=%d"
            "&oauth_signature=%040x%%3D" % (rng.getrandbits(64), timestamp, rng.getrandbits(160))
        )
        method = "POST"
        status = 411
        mime = "text/html"
        body = "<html><head><title>411 Length Required</title></head><body>Length Required</body></html>"
    elif kind < 0.30:
        form = "job_type=hourly&title=%s" % "%20".join(rng.choice(WORDS) for _ in range(3))
        url = "https://www.upwork.com/api/hr/v2/jobs.json"
        method = "POST"
        extra = [
            {"name": "Authorization", "value": oauth_header(rng, timestamp)},
            {"name": "Content-Type", "value": "application/x-www-form-urlencoded"},
            {"name": "Content-Length", "value": str(len(form))},
        ]
        post_data = {"mimeType": "application/x-www-form-urlencoded", "text": form}
        body = json_body(rng, body_size)
    elif kind < 0.35:
        query = json.dumps({"query": "query { marketplaceJobPostingsSearch { edges { node { id title } } } }"})
        url = "https://api.upwork.com/graphql"
        method = "POST"
        extra = [
            {"name": "Authorization", "value": "Bearer oauth2v2_%032x" % rng.getrandbits(128)},
            {"name": "Content-Type", "value": "application/json"},
            {"name": "Content-Length", "value": str(len(query))},
        ]
        post_data = {"mimeType": "application/json", "text": query}
        body = json_body(rng, body_size)
    elif kind < 0.38:
        url = "https://www.upwork.com/api/hr/v2/teams.json"
        method = "GET"
        extra = [{"name": "Authorization", "value": oauth_header(rng, timestamp)}]
        status = 403
        mime = "text/plain"
        body = "This APP has no access to the requested resource"
    elif kind < 0.40:
        url = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
        method = "GET"
        mime = "image/png"
        body = ""
    elif kind < 0.55:
        url = "https://www.google-analytics.com/g/collect?v=2&tid=G-BENCH&cid=%d&en=page_view" % rng.getrandbits(32)
        method = "POST"
        mime = "text/plain"
        status = 204
        body = ""
    else:
        url = "https://assets.static-upwork.com/assets/%08x.js" % rng.getrandbits(32)
        method = "GET"
        mime = "application/javascript"
        body = text_body(rng, body_size)

    request = {
        "method": method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "headers": request_headers(rng, extra),
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(post_data["text"]) if post_data else 0,
    }
    if post_data:
        request["postData"] = post_data
    return {
        "startedDateTime": started,
        "time": rng.randrange(5, 900),
        "request": request,
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "headers": response_headers(mime, len(body)),
            "cookies": [],
            "content": {"size": len(body), "mimeType": mime, "text": body},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(body),
        },
        "cache": {},
        "timings": {"blocked": 0, "dns": 0, "connect": 0, "send": 0, "wait": 10, "receive": 1},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--entries", type=int, default=None)
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.entries is None:
        # The size alone given: entries of the usual size (a 5 MiB file is not 100,000 entries).
        args.entries = max(1, int(args.size_mb * 500))

    rng = random.Random(args.seed)
    target = int(args.size_mb * 1024 * 1024)
    written = 0
    with open(args.out, "w", encoding="utf-8") as out:
        head = '{"log":{"version":"1.2","creator":{"name":"gen_har.py","version":"1"},"pages":[],"entries":[\n'
        out.write(head)
        written += len(head)
        for i in range(args.entries):
            # Each entry gets its share of what is left, so the file ends near the target size.
            budget = (target - written) // (args.entries - i)
            # About two entries in three carry a body of that size; the rest are small.
            body_size = max(200, int((budget - 1300) / 0.65 * rng.uniform(0.6, 1.4)))
            text = json.dumps(entry(rng, i, body_size), separators=(",", ":"))
            if i:
                out.write(",\n")
                written += 2
            out.write(text)
            written += len(text)
        out.write("\n]}}\n")


if __name__ == "__main__":
    main()
