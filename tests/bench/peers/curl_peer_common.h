/* What the libcurl peers (curl_easy.c, curl_multi.c) share: their command line and the options
 * every easy handle gets, so both measure the same requests. */
#ifndef HTTPXX_BENCH_CURL_PEER_COMMON_H
#define HTTPXX_BENCH_CURL_PEER_COMMON_H

#include <curl/curl.h>
#include <stddef.h>

struct peer_config {
  const char* url;
  size_t count;
  size_t concurrency;    /* requests in flight (curl_multi) */
  const char* protocol;  /* "h1", "h2" (ALPN over TLS) or "h2c" (prior knowledge) */
  const char* ca;        /* CA bundle, or NULL */
  size_t post_size;      /* POST a body of this size instead of GET when > 0 */
  int new_connections;   /* no connection reuse */
};

/* Parses "URL COUNT [options]"; returns 0, or -1 after printing why. max_concurrency bounds
 * --concurrency (1 for the easy interface). */
int peer_parse_args(int argc, char** argv, size_t max_concurrency, struct peer_config* config);

/* Sets the URL, protocol, CA, body and a write callback that adds the body's size to *bytes.
 * *body and *headers are allocated for a POST (shared by every handle; NULL to allocate them
 * on first use) and freed by the caller. Returns 0 or -1. */
int peer_setup_handle(CURL* easy, const struct peer_config* config, size_t* bytes, char** body,
                      struct curl_slist** headers);

/* 0 when the transfer succeeded with a 2xx status; else prints why and returns -1. */
int peer_check(CURL* easy, CURLcode result);

/* A monotonic clock in seconds. */
double peer_now(void);

#endif
