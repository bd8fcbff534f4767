/* libcurl's multi interface as a benchmark peer of httpxx::AsyncClient: --concurrency easy
 * handles in flight, each re-added as soon as it completes. Over HTTP/1.1 every transfer in
 * flight has its own connection; over HTTP/2 they are multiplexed on one connection
 * (CURLPIPE_MULTIPLEX, with CURLOPT_PIPEWAIT so the first transfers wait for it instead of
 * opening connections of their own).
 *
 *   curl_multi URL COUNT [--concurrency N] [--protocol h1|h2|h2c] [--ca FILE] [--post-size N]
 *
 * Prints the same JSON line as httpxx_bench. COUNT 0 only starts up. */

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curl_peer_common.h"

int main(int argc, char** argv) {
  struct peer_config config;
  if (peer_parse_args(argc, argv, 10000, &config) != 0) {
    fprintf(stderr,
            "usage: curl_multi URL COUNT [--concurrency N] [--protocol h1|h2|h2c] [--ca FILE] "
            "[--post-size N]\n");
    return 2;
  }
  const int multiplex = strcmp(config.protocol, "h1") != 0;
  const long connections_allowed = multiplex ? 1L : (long)config.concurrency;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return 1;
  CURLM* multi = curl_multi_init();
  if (multi == NULL) return 1;
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, multiplex ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, connections_allowed);
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, connections_allowed);
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, connections_allowed);
  curl_multi_setopt(multi, CURLMOPT_MAX_CONCURRENT_STREAMS, (long)config.concurrency);

  CURL** handles = calloc(config.concurrency, sizeof *handles);
  if (handles == NULL) return 1;
  char* body = NULL;
  struct curl_slist* headers = NULL;
  size_t bytes = 0;
  for (size_t i = 0; i < config.concurrency; ++i) {
    handles[i] = curl_easy_init();
    if (handles[i] == NULL || peer_setup_handle(handles[i], &config, &bytes, &body, &headers) != 0) {
      return 1;
    }
    if (multiplex) curl_easy_setopt(handles[i], CURLOPT_PIPEWAIT, 1L);
  }

  const double started_at = peer_now();
  size_t started = 0;
  size_t done = 0;
  long connections = 0;
  for (size_t i = 0; i < config.concurrency && started < config.count; ++i, ++started) {
    curl_multi_add_handle(multi, handles[i]);
  }
  while (done < config.count) {
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) return 1;
    int left = 0;
    CURLMsg* message;
    while ((message = curl_multi_info_read(multi, &left)) != NULL) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      if (peer_check(easy, message->data.result) != 0) return 1;
      long connects = 0;
      curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
      connections += connects;
      ++done;
      curl_multi_remove_handle(multi, easy);
      if (started < config.count) {
        curl_multi_add_handle(multi, easy);  /* the same transfer again */
        ++started;
      }
    }
    if (done < config.count && curl_multi_poll(multi, NULL, 0, 1000, NULL) != CURLM_OK) return 1;
  }
  const double seconds = peer_now() - started_at;
  printf("{\"requests\": %zu, \"seconds\": %.6f, \"bytes\": %zu, \"connections\": %ld}\n", done,
         seconds, bytes, connections);
  for (size_t i = 0; i < config.concurrency; ++i) curl_easy_cleanup(handles[i]);
  free(handles);
  curl_multi_cleanup(multi);
  curl_slist_free_all(headers);
  free(body);
  curl_global_cleanup();
  return 0;
}
