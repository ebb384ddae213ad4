#
# The edge cache in front of the portal's app servers (docs/deploy.md, "An edge
# cache: Varnish").
#
# It stores only what the app marks shareable: `Cache-Control` with `s-maxage`, no
# `private`, `no-store` or `no-cache`, no `Set-Cookie`. Every shared page names what it
# shows in an `xkey` header (`article:42 category:3 tag:17 articles related:42`); on a
# change the app sends `PURGE /` with `xkey-purge: <keys>` to every Varnish listed in
# FRONTEND_CACHE_URLS, and every page carrying one of those keys is dropped at once.
#
# `make serve-edge` and tests/servers.py write a copy of this file with the app's
# address in place of the `.host` and `.port` of `backend app`.
#
vcl 4.1;

import std;
import xkey;

backend app {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    # gunicorn's own worker timeout (gunicorn.conf.py).
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    .probe = {
        # /healthz answers 200 while the database answers. The Host must be one of
        # DJANGO_ALLOWED_HOSTS (put the site's name here in production), and
        # X-Forwarded-Proto keeps Django's HTTPS redirect out of the answer.
        .request =
            "GET /healthz HTTP/1.1"
            "Host: 127.0.0.1"
            "X-Forwarded-Proto: https"
            "User-Agent: varnish-probe"
            "Connection: close";
        .interval = 2s;
        .timeout = 1s;
        .window = 5;
        .threshold = 3;
        # Healthy from the start: three failed probes in a row (about six seconds)
        # make the app sick, three good ones make it healthy again.
        .initial = 3;
    }
}

# The addresses allowed to purge: list every app server here, as it connects to
# this Varnish (a private address, never a public one). Loopback suits one machine.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Lower-case the Host; refuse an HTTP/1.1 request without one.
    call vcl_req_host;

    # A request relayed by the TLS terminator arrives from the terminator's address,
    # which may well be loopback or an app server: the X-Forwarded-Proto it sets, or
    # the earlier address in X-Forwarded-For, gives it away. Purges and the debugging
    # headers are only for app servers that connect directly.
    if (client.ip !~ purgers
        || req.http.X-Forwarded-Proto
        || req.http.X-Forwarded-For ~ ",") {
        if (req.method == "PURGE") {
            return (synth(403, "Forbidden"));
        }
        unset req.http.X-Edge-Debug;
    } elsif (req.method == "PURGE") {
        if (!req.http.xkey-purge) {
            return (synth(400, "A PURGE needs an xkey-purge header"));
        }
        # A hard purge: the page is gone. A soft purge would keep it in grace, to be
        # shown again while the app is down (a withdrawn article must not come back).
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }

    # A stored copy past its s-maxage is served only while the app is down: when the
    # probe says so, or when the app has just failed this very request (vcl_synth
    # then looks again, with X-Edge-Failed set).
    if (req.restarts == 0) {
        unset req.http.X-Edge-Failed;
    }
    if (std.healthy(req.backend_hint) && !req.http.X-Edge-Failed) {
        set req.grace = 0s;
    } else {
        # Set anew: a restart keeps the value of the first pass.
        set req.grace = 1h;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # Per-user pages: the app marks them private anyway.
    if (req.url ~ "^/(admin|accounts|csrf|reader|experiences/new|experiences/mine)/"
        || req.url ~ "^/healthz($|\?)") {
        return (pass);
    }
    # A reader with a message waiting to be shown after a form gets a page of their own.
    if (req.http.Cookie ~ "(^|;)\s*messages=") {
        return (pass);
    }

    # The tracking parameters the app ignores (settings.TRACKING_PARAMETERS); the
    # analytics scripts read them from the address bar, not from the server.
    set req.url = regsuball(req.url,
        "(?<=[?&])(utm_[^&=]*|from|isappinstalled|scene|spm|bd_vid|fbclid|gclid)(=[^&]*)?(&|$)",
        "");
    set req.url = std.querysort(req.url);
    set req.url = regsub(req.url, "[?&]+$", "");

    # Everything else is the same page for every reader, signed in or not (the
    # page's script asks /reader/ for the rest). A signed-in reader's cookies go
    # with a miss: the app renders the shared page without them, and answers
    # with a page of their own, marked private and so never stored, only where
    # the shared one is not theirs (their own post waiting for review).
    if (req.http.Cookie ~ "(^|;)\s*sessionid=") {
        return (hash);
    }
    # Analytics cookies (_ga, Hm_lvt_*, Hm_lpvt_*) and a leftover csrftoken must
    # neither split the cache nor bypass it.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # The app builds absolute links (canonical, feeds, sharing) from the scheme the
    # TLS terminator reports. The URL and Host follow (the built-in vcl_hash).
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_miss {
    # The app has just failed this request and there is no stored copy to show.
    if (req.http.X-Edge-Failed) {
        return (synth(503, "Service Unavailable"));
    }
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.status >= 500) {
        # Abandoned, the failed fetch leaves the stored copy in place (delivered, it
        # would replace it): vcl_synth shows that copy, or the 503 page.
        return (abandon);
    }
    # Only what the app marks shareable. The rest is remembered as uncacheable for a
    # minute, so that requests for it go straight to the app, side by side, instead of
    # queueing behind one another.
    if (beresp.ttl <= 0s
        || beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "(?i)\bs-maxage=0*[1-9]"
        || beresp.http.Cache-Control ~ "(?i)\b(private|no-store|no-cache)\b"
        || beresp.http.Vary ~ "\*") {
        set beresp.ttl = 60s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.status == 404 || beresp.status == 410) {
        # A missing page cannot name the article that will appear at its address (a
        # scheduled publication, a slug an editor fixes), so no purge reaches it:
        # stored for a minute at most, however long the app allows, and never served
        # stale. A minute still spares the app a broken link shared to thousands.
        if (beresp.ttl > 60s) {
            set beresp.ttl = 60s;
        }
        set beresp.grace = 0s;
    } else {
        set beresp.grace = 1h;
    }
    return (deliver);
}

sub vcl_backend_error {
    # As for a 5xx answer: keep the stored copy, vcl_synth takes over.
    if (!bereq.uncacheable) {
        return (abandon);
    }
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "30";
    call unavailable_page;
    return (deliver);
}

sub vcl_deliver {
    if (req.http.X-Edge-Debug) {
        set resp.http.X-Edge-TTL = obj.ttl;
        set resp.http.X-Edge-Grace = obj.grace;
        if (std.healthy(req.backend_hint)) {
            set resp.http.X-Edge-Backend = "healthy";
        } else {
            set resp.http.X-Edge-Backend = "sick";
        }
    } else {
        unset resp.http.xkey;
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Only this cache hears the purges: a proxy or CDN further on must not keep the
    # page (a CDN gets its own lifetime from CDN-Cache-Control, docs/deploy.md).
    if (resp.http.Cache-Control ~ "(?i)s-maxage") {
        set resp.http.Cache-Control = regsuball(resp.http.Cache-Control,
            "(?i)(^|,)\s*s-maxage=[0-9]+\s*", "");
        set resp.http.Cache-Control = regsub(resp.http.Cache-Control, "^\s*,\s*", "");
    }
    return (deliver);
}

sub vcl_synth {
    # An abandoned fetch: look again, accepting a stored copy past its s-maxage.
    if (resp.status == 503 && req.restarts == 0 && req.method != "PURGE") {
        set req.http.X-Edge-Failed = "1";
        return (restart);
    }
    set resp.http.Cache-Control = "no-store";
    if (resp.status == 503) {
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Retry-After = "30";
        call unavailable_page;
        return (deliver);
    }
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    if (req.method == "PURGE" && resp.status == 200) {
        set resp.http.xkey-purged = req.http.xkey-purged;
        set resp.body = "objects purged: " + req.http.xkey-purged + {"
"};
    } else {
        set resp.body = resp.reason + {"
"};
    }
    return (deliver);
}

sub unavailable_page {
    synthetic({"<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>服务暂时不可用</title>
</head>
<body>
<p>服务暂时不可用，请稍后再试。</p>
</body>
</html>
"});
}
