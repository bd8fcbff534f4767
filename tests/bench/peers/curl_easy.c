/* libcurl's easy interface as a benchmark peer of the blocking httpxx::Client: one easy handle
 * reused for every request, so its connection (and TLS session) is reused as curl users do.
 *
 *   curl_easy URL COUNT [--protocol h1|h2|h2c] [--ca FILE] [--post-size N] [--new-connections]
 *
 * Prints the same JSON line as httpxx_bench: {"requests", "seconds", "bytes", "connections"}
 * ("connections" is the number of new connections curl reports having made). COUNT 0 only
 * starts up. */

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

#include "curl_peer_common.h"

int main(int argc, char** argv) {
  struct peer_config config;
  if (peer_parse_args(argc, argv, 1, &config) != 0) {
    fprintf(stderr,
            "usage: curl_easy URL COUNT [--protocol h1|h2|h2c] [--ca FILE] [--post-size N] "
            "[--new-connections]\n");
    return 2;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return 1;
  CURL* easy = curl_easy_init();
  if (easy == NULL) return 1;
  char* body = NULL;
  struct curl_slist* headers = NULL;
  size_t bytes = 0;
  if (peer_setup_handle(easy, &config, &bytes, &body, &headers) != 0) return 1;
  /* A closed connection after each response, as asked; the TLS session stays in the handle's
   * cache, so the next handshake resumes it (curl's default). */
  if (config.new_connections) curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);

  long connections = 0;
  size_t done = 0;
  const double started = peer_now();
  for (size_t i = 0; i < config.count; ++i) {
    const CURLcode result = curl_easy_perform(easy);
    if (peer_check(easy, result) != 0) return 1;
    long connects = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    connections += connects;
    ++done;
  }
  const double seconds = peer_now() - started;
  printf("{\"requests\": %zu, \"seconds\": %.6f, \"bytes\": %zu, \"connections\": %ld}\n", done,
         seconds, bytes, connections);
  curl_slist_free_all(headers);
  free(body);
  curl_easy_cleanup(easy);
  curl_global_cleanup();
  return 0;
}
