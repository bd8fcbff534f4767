#pragma once
// HTTP Digest access authentication, RFC 7616.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "httpxx/auth.hpp"

namespace httpxx {
class Headers;
}

namespace httpxx::detail {

// A Digest challenge (RFC 7616 section 3.3) this client can answer.
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::optional<std::string> opaque;
  std::string algorithm = "MD5";   // as the server spelled it; absent means MD5
  bool qop_auth = false;           // qop offered "auth"; false: the RFC 2069 form without qop
  bool stale = false;
};

// The strongest answerable Digest challenge among every WWW-Authenticate field of headers:
// SHA-512 over SHA-512-256 over SHA-256 over MD5 (section 3.7 lets the client pick), "-sess"
// variants alike.
// nullopt when there is none (no Digest, an unknown algorithm, or a qop without "auth").
std::optional<DigestChallenge> find_digest_challenge(const Headers& headers);

// The hex digest of data under a challenge's algorithm (section 3.2: MD5, SHA-256,
// SHA-512-256; and SHA-512 as httpx; each possibly with "-sess"); nullopt for an algorithm this
// client lacks.
std::optional<std::string> digest_hex(std::string_view algorithm, std::string_view data);

// What one Authorization field is computed from.
struct DigestParameters {
  std::string_view username, password, method, uri;
  std::uint32_t nonce_count = 1;
  std::string_view cnonce;
};

// The "response" value of section 3.4.1 (or of RFC 2069 when the challenge has no qop).
std::string digest_response(const DigestChallenge& challenge, const DigestParameters& parameters);
// The whole Authorization field value of section 3.4.
std::string digest_authorization(const DigestChallenge& challenge, const DigestParameters& parameters);

// The Digest flow: answers a 401 challenge with a copy of the request carrying Authorization,
// then sends later requests preemptively with that challenge (as httpx does) and an increasing
// nonce count. A 401 to an answer is answered once more only when its challenge says
// stale=true; otherwise it reaches the caller, so wrong credentials never loop.
class DigestAuthFlow final : public AuthFlow {
 public:
  DigestAuthFlow(std::string username, std::string password);
  void on_request(Request& request) override;
  std::optional<Request> on_response(const Request& request, const Response& response) override;

 private:
  // Builds an Authorization value for request under challenge_ (mutex_ held).
  std::string authorize(const Request& request, std::uint32_t nonce_count);
  // How many answers led to the request that carried authorization: 0 for a preemptive or
  // foreign one, 1 for an answer to a challenge, 2 for an answer to a stale challenge.
  int answers_before(std::string_view authorization) const;

  std::string username_, password_;
  mutable std::mutex mutex_;
  std::optional<DigestChallenge> challenge_;   // the last challenge, reused preemptively
  std::uint32_t nonce_count_ = 0;               // requests sent with challenge_->nonce
  // The Authorization values of recent answers with their answer count; bounded, as only the
  // answers still in flight matter.
  std::deque<std::pair<std::string, int>> answers_;
};

}  // namespace httpxx::detail
