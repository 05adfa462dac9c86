<?php
// Upwork API calls made the way PHP code makes them, with PHP's own curl extension and streams,
// for the interop suite (tests/suite/interop.rs). OAuth 1.0 signatures are computed here in PHP, with
// `rawurlencode` (RFC 3986, what the API FAQ asks for) or `urlencode` (RFC 1738: a space as `+`,
// the FAQ's 401 "if there are spaces").
//
// usage: php php_clients.php token-requests BASE_URL
//          The three token requests that Upwork answers 411 (see docs/findings/content-length-missing.md),
//          and the one it accepts; prints a JSON list of {name, status}.
//        php php_clients.php calls BASE_URL
//          Signed calls, correct and broken; prints a JSON list in the format of the other clients.
//        php php_clients.php mistakes BASE_URL
//          Signed calls that each carry one of the named signing mistakes (the outside
//          reproduction of tests/suite/interop.rs), in the same format.
// The keys are the emulator's demo keys, read from UPWORK_DIAG_DEMO_* in the environment. Every
// call names `Host: www.upwork.com`, as if Upwork had been called: the signatures are made for
// Upwork's origin, and a raw capture of the call reads as a call to Upwork.

const UPWORK = 'https://www.upwork.com';

function env_key(string $name): string
{
    $value = getenv('UPWORK_DIAG_DEMO_' . $name);
    if ($value === false) {
        fwrite(STDERR, "UPWORK_DIAG_DEMO_$name is not set\n");
        exit(2);
    }
    return $value;
}

/** The OAuth 1.0 HMAC-SHA1 signature of a call, every name and value encoded with `$encode`. */
function oauth_signature(string $method, string $url, array $params, string $consumer_secret,
                         string $token_secret, callable $encode): string
{
    $pairs = [];
    foreach ($params as [$name, $value]) {
        $pairs[] = [$encode($name), $encode($value)];
    }
    sort($pairs);
    $normalized = implode('&', array_map(fn($p) => $p[0] . '=' . $p[1], $pairs));
    $base = strtoupper($method) . '&' . $encode($url) . '&' . $encode($normalized);
    $key = $encode($consumer_secret) . '&' . $encode($token_secret);
    return base64_encode(hash_hmac('sha1', $base, $key, true));
}

function oauth_params(string $consumer_key, ?string $token): array
{
    $params = [
        ['oauth_consumer_key', $consumer_key],
        ['oauth_nonce', bin2hex(random_bytes(16))],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', (string) time()],
        ['oauth_version', '1.0'],
    ];
    if ($token !== null) {
        $params[] = ['oauth_token', $token];
    }
    return $params;
}

/** The query, every name and value encoded with `$encode`. */
function query_of(array $params, callable $encode): string
{
    return implode('&', array_map(fn($p) => $encode($p[0]) . '=' . $encode($p[1]), $params));
}

/** The token request signed with every OAuth parameter in the URL, as the FAQ's 411 shows it. */
function signed_token_request_path(): string
{
    $path = '/api/auth/v1/oauth/token/request';
    $params = oauth_params(env_key('CONSUMER_KEY'), null);
    $params[] = ['oauth_callback', 'oob'];
    $signature = oauth_signature('POST', UPWORK . $path, $params, env_key('CONSUMER_SECRET'), '',
        'rawurlencode');
    $params[] = ['oauth_signature', $signature];
    return $path . '?' . query_of($params, 'rawurlencode');
}

function curl_status(string $url, array $options): int
{
    $ch = curl_init($url);
    curl_setopt_array($ch, $options + [
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => ['Host: www.upwork.com'],
        CURLOPT_TIMEOUT => 10,
    ]);
    if (curl_exec($ch) === false) {
        fwrite(STDERR, 'curl: ' . curl_error($ch) . "\n");
        exit(1);
    }
    return curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
}

function stream_status(string $url, array $http): int
{
    $context = stream_context_create(['http' => $http + [
        'header' => "Host: www.upwork.com\r\n",
        'ignore_errors' => true,
        'timeout' => 10,
    ]]);
    $body = @file_get_contents($url, false, $context);
    if ($body === false) {
        fwrite(STDERR, "file_get_contents failed\n");
        exit(1);
    }
    // $http_response_header holds the status line of the answer.
    preg_match('#^HTTP/\S+ (\d{3})#', $http_response_header[0], $m);
    return (int) $m[1];
}

function token_requests(string $base): array
{
    return [
        // 1. libcurl sends Transfer-Encoding: chunked, Expect: 100-continue and the body 0\r\n\r\n.
        ['name' => 'curl-post-without-postfields',
         'status' => curl_status($base . signed_token_request_path(), [CURLOPT_POST => true])],
        // 2. No body and no Content-Length.
        ['name' => 'curl-customrequest-post',
         'status' => curl_status($base . signed_token_request_path(), [CURLOPT_CUSTOMREQUEST => 'POST'])],
        // 3. No body and no Content-Length.
        ['name' => 'stream-post-without-content',
         'status' => stream_status($base . signed_token_request_path(), ['method' => 'POST'])],
        // The FAQ's fix: CURLOPT_POSTFIELDS => '' makes libcurl send Content-Length: 0.
        ['name' => 'curl-post-with-empty-postfields',
         'status' => curl_status($base . signed_token_request_path(),
             [CURLOPT_POST => true, CURLOPT_POSTFIELDS => ''])],
    ];
}

/** A GET of the job search, its query and signature made with `$encode`. */
function search_call(string $base, string $name, string $expect, string $q, callable $encode,
                     ?string $mistake): array
{
    $path = '/api/profiles/v2/search/jobs.json';
    $query = [['q', $q], ['paging', '0;10']];
    $oauth = oauth_params(env_key('CONSUMER_KEY'), env_key('TOKEN'));
    $signature = oauth_signature('GET', UPWORK . $path, array_merge($query, $oauth),
        env_key('CONSUMER_SECRET'), env_key('TOKEN_SECRET'), $encode);
    $oauth[] = ['oauth_signature', $signature];
    $authorization = 'OAuth ' . implode(', ', array_map(
        fn($p) => rawurlencode($p[0]) . '="' . rawurlencode($p[1]) . '"', $oauth));
    $target = $path . '?' . query_of($query, $encode);
    $headers = ['Host: www.upwork.com', 'Authorization: ' . $authorization];
    $status = curl_status($base . $target, [CURLOPT_HTTPHEADER => $headers]);
    return ['client' => 'php', 'name' => $name, 'expect' => $expect, 'mistake' => $mistake,
        'method' => 'GET', 'url' => UPWORK . $target,
        'headers' => ['Authorization' => $authorization], 'body' => null, 'status' => $status];
}

function calls(string $base): array
{
    return [
        search_call($base, 'search-rawurlencode', 'accept', 'web design', 'rawurlencode', null),
        search_call($base, 'search-tilde-rawurlencode', 'accept', '~rust', 'rawurlencode', null),
        // urlencode writes a space as `+`: in the query Upwork reads it as a plus, and the
        // signature was made over `+` (the FAQ's 401 "if there are spaces").
        search_call($base, 'search-urlencode', 'reject', 'web design', 'urlencode', 'space-as-plus'),
        // urlencode writes `~` as `%7E`, as RFC 1738 did; RFC 3986 leaves it alone. (It encodes
        // `/`, unlike Python 2's urllib.quote.)
        search_call($base, 'search-tilde-slash-urlencode', 'reject', '~rust/go', 'urlencode',
            'rfc1738-encoder'),
    ];
}

/** `rawurlencode` with its hex digits in lowercase (%2f for %2F). */
function lowercase_hex_encode(string $s): string
{
    return preg_replace_callback('/%[0-9A-F]{2}/', fn($m) => strtolower($m[0]), rawurlencode($s));
}

/**
 * A GET of the job search whose normalized parameters are joined by `$normalize` (given the
 * query's and the OAuth parameters, decoded, in the order they travel); the URI, the outer
 * encoding and the key as RFC 5849 says, with `rawurlencode`.
 */
function search_call_normalized(string $base, string $name, string $mistake, array $query,
                                callable $normalize): array
{
    $path = '/api/profiles/v2/search/jobs.json';
    $oauth = oauth_params(env_key('CONSUMER_KEY'), env_key('TOKEN'));
    $normalized = $normalize($query, $oauth);
    $base_string = 'GET&' . rawurlencode(UPWORK . $path) . '&' . rawurlencode($normalized);
    $key = rawurlencode(env_key('CONSUMER_SECRET')) . '&' . rawurlencode(env_key('TOKEN_SECRET'));
    $oauth[] = ['oauth_signature', base64_encode(hash_hmac('sha1', $base_string, $key, true))];
    $authorization = 'OAuth ' . implode(', ', array_map(
        fn($p) => rawurlencode($p[0]) . '="' . rawurlencode($p[1]) . '"', $oauth));
    $target = $path . '?' . query_of($query, 'rawurlencode');
    $headers = ['Host: www.upwork.com', 'Authorization: ' . $authorization];
    $status = curl_status($base . $target, [CURLOPT_HTTPHEADER => $headers]);
    return ['client' => 'php', 'name' => $name, 'expect' => 'reject', 'mistake' => $mistake,
        'method' => 'GET', 'url' => UPWORK . $target,
        'headers' => ['Authorization' => $authorization], 'body' => null, 'status' => $status];
}

/** Each pair encoded with `$encode` and joined with `=` and `&`, in the order given. */
function joined(array $pairs, callable $encode): string
{
    return implode('&', array_map(fn($p) => $encode($p[0]) . '=' . $encode($p[1]), $pairs));
}

/** Signed calls that each carry one mistake, for the outside reproduction of the named mistakes. */
function mistakes(string $base): array
{
    // Two values of one name whose order differs decoded ("r\u{e9}seau" after "rust", as bytes)
    // and encoded ("r%C3%A9seau" before "rust").
    $query = [['skills', 'rust'], ['skills', "r\u{e9}seau"], ['q', 'web']];
    $sorted = function (array $pairs): array {
        usort($pairs, fn($a, $b) => strcmp($a[0], $b[0]) ?: strcmp($a[1], $b[1]));
        return $pairs;
    };
    $encoded = fn(array $pairs, callable $encode) => array_map(
        fn($p) => [$encode($p[0]), $encode($p[1])], $pairs);
    return [
        // urlencode writes `~` as `%7E`, as RFC 1738 did; RFC 3986 leaves it alone. (It encodes
        // `/`, unlike Python 2's urllib.quote.)
        search_call($base, 'search-tilde-slash-urlencode', 'reject', '~rust/go', 'urlencode',
            'rfc1738-encoder'),
        // Not sorted: the parameters in the order they travel, query first.
        search_call_normalized($base, 'unsorted-wire-order', 'unsorted-params', $query,
            fn($q, $o) => joined(array_merge($q, $o), 'rawurlencode')),
        // Not sorted: the OAuth parameters first.
        search_call_normalized($base, 'unsorted-oauth-first', 'unsorted-params', $query,
            fn($q, $o) => joined(array_merge($o, $q), 'rawurlencode')),
        // Sorted before encoding, by the decoded names and values.
        search_call_normalized($base, 'sorted-decoded', 'unsorted-params', $query,
            fn($q, $o) => joined($sorted(array_merge($q, $o)), 'rawurlencode')),
        // The parameters encoded with lowercase hex digits (the outer encoding uppercase).
        search_call_normalized($base, 'params-lowercase-hex', 'lowercase-hex', $query,
            fn($q, $o) => joined($sorted($encoded(array_merge($q, $o), 'lowercase_hex_encode')),
                fn($s) => $s)),
    ];
}

[$script, $mode, $base] = $argv + [null, null, null];
$modes = ['token-requests' => 'token_requests', 'calls' => 'calls', 'mistakes' => 'mistakes'];
if ($base === null || !isset($modes[$mode])) {
    fwrite(STDERR, "usage: php php_clients.php token-requests|calls|mistakes BASE_URL\n");
    exit(2);
}
$base = rtrim($base, '/');
echo json_encode($modes[$mode]($base), JSON_UNESCAPED_SLASHES), "\n";
