#include "models/digest_auth.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "httpxx/headers.hpp"
#include "httpxx/request.hpp"
#include "httpxx/response.hpp"
#include "models/auth_challenge.hpp"

namespace httpxx::detail {

namespace {

constexpr std::size_t max_remembered_answers = 64;

bool ends_with_sess(std::string_view algorithm) noexcept {
  return algorithm.size() > 5 && iequals(algorithm.substr(algorithm.size() - 5), "-sess");
}

std::string_view base_algorithm(std::string_view algorithm) noexcept {
  return ends_with_sess(algorithm) ? algorithm.substr(0, algorithm.size() - 5) : algorithm;
}

// The hash functions of RFC 7616 section 3.2 (and the IANA registry of section 6.1), plus the
// full SHA-512 that the registry lacks but httpx and servers such as httpbin speak.
const EVP_MD* digest_of(std::string_view algorithm) noexcept {
  const std::string_view base = base_algorithm(algorithm);
  if (iequals(base, "MD5")) return EVP_md5();
  if (iequals(base, "SHA-256")) return EVP_sha256();
  if (iequals(base, "SHA-512-256")) return EVP_sha512_256();
  if (iequals(base, "SHA-512")) return EVP_sha512();
  return nullptr;
}

int strength(std::string_view algorithm) noexcept {
  const std::string_view base = base_algorithm(algorithm);
  if (iequals(base, "SHA-512")) return 4;
  if (iequals(base, "SHA-512-256")) return 3;
  if (iequals(base, "SHA-256")) return 2;
  return 1;
}

std::string hex_digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr) != 1) {
    throw std::runtime_error("OpenSSL could not compute a Digest authentication hash");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    text += hex[out[i] >> 4];
    text += hex[out[i] & 0xf];
  }
  return text;
}

// The challenge as this client can answer it, or nullopt.
std::optional<DigestChallenge> to_digest_challenge(const AuthChallenge& challenge) {
  if (!iequals(challenge.scheme, "Digest")) return std::nullopt;
  const std::string* nonce = challenge.param("nonce");
  if (nonce == nullptr) return std::nullopt;
  DigestChallenge digest;
  digest.nonce = *nonce;
  if (const auto* realm = challenge.param("realm")) digest.realm = *realm;
  if (const auto* opaque = challenge.param("opaque")) digest.opaque = *opaque;
  if (const auto* algorithm = challenge.param("algorithm")) digest.algorithm = *algorithm;
  if (digest_of(digest.algorithm) == nullptr) return std::nullopt;
  if (const auto* stale = challenge.param("stale")) digest.stale = iequals(*stale, "true");
  if (const auto* qop = challenge.param("qop")) {
    // qop-options is a quoted, comma-separated list (section 3.3); only "auth" is answered,
    // as "auth-int" would need the whole body hashed before sending.
    std::string_view rest = *qop;
    while (!rest.empty() && !digest.qop_auth) {
      const std::size_t comma = rest.find(',');
      std::string_view option = rest.substr(0, comma);
      while (!option.empty() && (option.front() == ' ' || option.front() == '\t')) option.remove_prefix(1);
      while (!option.empty() && (option.back() == ' ' || option.back() == '\t')) option.remove_suffix(1);
      digest.qop_auth = iequals(option, "auth");
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    if (!digest.qop_auth) return std::nullopt;
  }
  return digest;
}

// A quoted-string (RFC 9110 section 5.6.4) with '"' and '\' escaped.
std::string quoted_string(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string random_cnonce() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("OpenSSL could not produce random bytes for a Digest cnonce");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  for (unsigned char b : bytes) {
    text += hex[b >> 4];
    text += hex[b & 0xf];
  }
  return text;
}

std::string nonce_count_text(std::uint32_t count) {
  char text[9];
  std::snprintf(text, sizeof text, "%08x", count);
  return text;
}

}  // namespace

std::optional<std::string> digest_hex(std::string_view algorithm, std::string_view data) {
  const EVP_MD* md = digest_of(algorithm);
  if (md == nullptr) return std::nullopt;
  return hex_digest(md, data);
}

std::optional<DigestChallenge> find_digest_challenge(const Headers& headers) {
  std::optional<DigestChallenge> best;
  for (const auto& [name, value] : headers) {
    if (!iequals(name, "WWW-Authenticate")) continue;
    for (const auto& challenge : parse_auth_challenges(value)) {
      auto digest = to_digest_challenge(challenge);
      if (digest && (!best || strength(digest->algorithm) > strength(best->algorithm))) {
        best = std::move(digest);
      }
    }
  }
  return best;
}

std::string digest_response(const DigestChallenge& challenge, const DigestParameters& p) {
  const EVP_MD* md = digest_of(challenge.algorithm);
  if (md == nullptr) throw std::invalid_argument("unsupported Digest algorithm");
  const auto h = [md](std::string_view data) { return hex_digest(md, data); };
  const std::string colon = ":";
  // Section 3.4.2: A1, and for the -sess variants H(A1) with the nonce and cnonce.
  std::string ha1 = h(std::string(p.username) + colon + challenge.realm + colon + std::string(p.password));
  if (ends_with_sess(challenge.algorithm)) {
    ha1 = h(ha1 + colon + challenge.nonce + colon + std::string(p.cnonce));
  }
  // Section 3.4.3 for qop=auth: A2 = method ":" request-uri.
  const std::string ha2 = h(std::string(p.method) + colon + std::string(p.uri));
  if (!challenge.qop_auth) {
    // RFC 2069 section 2.1.2, still answered for servers that offer no qop.
    return h(ha1 + colon + challenge.nonce + colon + ha2);
  }
  // Section 3.4.1: KD(H(A1), nonce:nc:cnonce:qop:H(A2)).
  return h(ha1 + colon + challenge.nonce + colon + nonce_count_text(p.nonce_count) + colon +
           std::string(p.cnonce) + colon + "auth" + colon + ha2);
}

std::string digest_authorization(const DigestChallenge& challenge, const DigestParameters& p) {
  std::string value = "Digest username=" + quoted_string(p.username) + ", realm=" + quoted_string(challenge.realm) +
                      ", nonce=" + quoted_string(challenge.nonce) + ", uri=" + quoted_string(p.uri) +
                      ", algorithm=" + challenge.algorithm +
                      ", response=" + quoted_string(digest_response(challenge, p));
  if (challenge.opaque) value += ", opaque=" + quoted_string(*challenge.opaque);
  if (challenge.qop_auth) {
    value += ", qop=auth, nc=" + nonce_count_text(p.nonce_count) + ", cnonce=" + quoted_string(p.cnonce);
  }
  return value;
}

DigestAuthFlow::DigestAuthFlow(std::string username, std::string password)
    : username_(std::move(username)), password_(std::move(password)) {}

std::string DigestAuthFlow::authorize(const Request& request, std::uint32_t nonce_count) {
  const std::string uri = request.url().target();
  const std::string cnonce = random_cnonce();
  return digest_authorization(*challenge_, {username_, password_, request.method(), uri, nonce_count, cnonce});
}

int DigestAuthFlow::answers_before(std::string_view authorization) const {
  for (const auto& [sent, count] : answers_) {
    if (sent == authorization) return count;
  }
  return 0;
}

void DigestAuthFlow::on_request(Request& request) {
  std::string authorization;
  {
    const std::lock_guard lock(mutex_);
    if (!challenge_) return;
    authorization = authorize(request, ++nonce_count_);
  }
  request.headers().set("Authorization", std::move(authorization));
}

std::optional<Request> DigestAuthFlow::on_response(const Request& request, const Response& response) {
  if (response.status_code() != 401) return std::nullopt;
  auto challenge = find_digest_challenge(response.headers());
  if (!challenge) return std::nullopt;

  const std::lock_guard lock(mutex_);
  int answers = 0;
  if (const std::string* sent = request.headers().find("Authorization")) answers = answers_before(*sent);
  // Section 3.3: stale=true means the credentials were right and only the nonce expired, so one
  // more answer is worth it; any other 401 to an answer means they were refused.
  if (answers >= 2 || (answers == 1 && !challenge->stale)) return std::nullopt;

  // A new nonce starts its count again at 1 (section 3.4); the same nonce goes on counting.
  if (!challenge_ || challenge_->nonce != challenge->nonce) nonce_count_ = 0;
  challenge_ = std::move(challenge);
  std::string authorization = authorize(request, ++nonce_count_);

  answers_.emplace_back(authorization, answers + 1);
  if (answers_.size() > max_remembered_answers) answers_.pop_front();

  Request next = request;
  next.headers().set("Authorization", std::move(authorization));
  return next;
}

}  // namespace httpxx::detail
