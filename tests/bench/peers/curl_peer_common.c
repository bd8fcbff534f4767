/* See curl_peer_common.h. */

#include "curl_peer_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse_size(const char* text, size_t* value) {
  char* end = NULL;
  const unsigned long long parsed = strtoull(text, &end, 10);
  if (*text == '\0' || *end != '\0') {
    fprintf(stderr, "not a number: %s\n", text);
    return -1;
  }
  *value = (size_t)parsed;
  return 0;
}

int peer_parse_args(int argc, char** argv, size_t max_concurrency, struct peer_config* config) {
  memset(config, 0, sizeof *config);
  config->concurrency = 1;
  config->protocol = "h1";
  if (argc < 3) return -1;
  config->url = argv[1];
  if (parse_size(argv[2], &config->count) != 0) return -1;
  for (int i = 3; i < argc; ++i) {
    const char* arg = argv[i];
    if (strcmp(arg, "--new-connections") == 0) {
      config->new_connections = 1;
      continue;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "%s needs a value\n", arg);
      return -1;
    }
    const char* value = argv[++i];
    if (strcmp(arg, "--concurrency") == 0) {
      if (parse_size(value, &config->concurrency) != 0) return -1;
    } else if (strcmp(arg, "--protocol") == 0) {
      config->protocol = value;
    } else if (strcmp(arg, "--ca") == 0) {
      config->ca = value;
    } else if (strcmp(arg, "--post-size") == 0) {
      if (parse_size(value, &config->post_size) != 0) return -1;
    } else {
      fprintf(stderr, "unknown option %s\n", arg);
      return -1;
    }
  }
  if (config->concurrency == 0 || config->concurrency > max_concurrency) {
    fprintf(stderr, "--concurrency must be between 1 and %zu\n", max_concurrency);
    return -1;
  }
  if (strcmp(config->protocol, "h1") != 0 && strcmp(config->protocol, "h2") != 0 &&
      strcmp(config->protocol, "h2c") != 0) {
    fprintf(stderr, "unknown protocol %s\n", config->protocol);
    return -1;
  }
  return 0;
}

static size_t count_body(char* data, size_t size, size_t count, void* bytes) {
  (void)data;
  *(size_t*)bytes += size * count;
  return size * count;
}

int peer_setup_handle(CURL* easy, const struct peer_config* config, size_t* bytes, char** body,
                      struct curl_slist** headers) {
  long version = CURL_HTTP_VERSION_1_1;
  if (strcmp(config->protocol, "h2") == 0) version = CURL_HTTP_VERSION_2TLS;
  if (strcmp(config->protocol, "h2c") == 0) version = CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
  if (curl_easy_setopt(easy, CURLOPT_URL, config->url) != CURLE_OK ||
      curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, version) != CURLE_OK) {
    fprintf(stderr, "this libcurl lacks the protocol %s\n", config->protocol);
    return -1;
  }
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, count_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, bytes);
  /* A proxy set in the environment must not capture loopback traffic. */
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
  /* As a program that cares for speed sets it: without it, libcurl ignores SIGPIPE around each
     transfer step, two sigaction calls each time (about six per request); sends use
     MSG_NOSIGNAL either way. */
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  if (config->ca != NULL) curl_easy_setopt(easy, CURLOPT_CAINFO, config->ca);
  if (config->post_size > 0) {
    if (*body == NULL) {
      *body = malloc(config->post_size);
      if (*body == NULL) return -1;
      memset(*body, 'x', config->post_size);
      /* No "Expect: 100-continue" round trip (RFC 9110, 10.1.1): no other peer waits for one. */
      *headers = curl_slist_append(NULL, "Expect:");
      if (*headers == NULL) return -1;
    }
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, *body);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)config->post_size);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, *headers);
  }
  return 0;
}

int peer_check(CURL* easy, CURLcode result) {
  if (result != CURLE_OK) {
    fprintf(stderr, "curl: %s\n", curl_easy_strerror(result));
    return -1;
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    fprintf(stderr, "curl: status %ld\n", status);
    return -1;
  }
  return 0;
}

double peer_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}
