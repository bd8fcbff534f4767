#include "net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace httpxx::detail {
namespace {

// A few tickets per origin cover the connections a pool opens at once; the origin bound keeps
// a client that talks to many hosts from growing without limit.
constexpr std::size_t max_sessions_per_origin = 4;
constexpr std::size_t max_origins = 256;

std::string openssl_reason() {
  const auto code = ERR_peek_last_error();
  const char* reason = code ? ERR_reason_error_string(code) : nullptr;
  std::string text = reason ? reason : (code ? "error " + std::to_string(code) : "unknown error");
  ERR_clear_error();
  return text;
}

// The per-connection origin, set by attach(), read by the new-session callback.
int origin_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int context_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* context = static_cast<TlsContext*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), context_index()));
  const auto* origin = static_cast<const std::string*>(SSL_get_ex_data(ssl, origin_index()));
  if (context && origin) context->store_session(*origin, session);
  return 0;  // store_session took its own reference; OpenSSL keeps and frees this one
}

int on_password(char* buffer, int size, int /*rwflag*/, void* userdata) {
  const auto* password = static_cast<const std::string*>(userdata);
  if (!password || password->size() > static_cast<std::size_t>(size)) return -1;
  std::memcpy(buffer, password->data(), password->size());
  return static_cast<int>(password->size());
}

// RFC 7301 section 3.1: ProtocolNameList, each name prefixed by its one-byte length.
std::string alpn_wire_format(const std::vector<std::string>& protocols) {
  std::string wire;
  for (const auto& protocol : protocols) {
    if (protocol.empty() || protocol.size() > 255) throw std::runtime_error("invalid ALPN protocol name '" + protocol + "'");
    wire += static_cast<char>(protocol.size());
    wire += protocol;
  }
  return wire;
}

void load_verify_location(SSL_CTX* ctx, const std::string& location) {
  std::error_code ec;
  const bool directory = std::filesystem::is_directory(location, ec);
  const int ok = directory ? SSL_CTX_load_verify_dir(ctx, location.c_str())
                           : SSL_CTX_load_verify_file(ctx, location.c_str());
  if (ok != 1) throw std::runtime_error("could not load CA bundle '" + location + "': " + openssl_reason());
}

// OpenSSL's built-in locations. SSL_CTX_set_default_verify_paths would also read SSL_CERT_FILE
// and SSL_CERT_DIR, which trust_env = false must ignore.
void load_system_verify_locations(SSL_CTX* ctx) {
  std::error_code ec;
  const std::string file = X509_get_default_cert_file();
  const std::string dir = X509_get_default_cert_dir();
  bool loaded = false;
  if (std::filesystem::exists(file, ec)) loaded |= SSL_CTX_load_verify_file(ctx, file.c_str()) == 1;
  if (std::filesystem::is_directory(dir, ec)) loaded |= SSL_CTX_load_verify_dir(ctx, dir.c_str()) == 1;
  if (!loaded) {
    throw std::runtime_error("could not load the system CA certificates from " + file + " or " + dir + ": " +
                             openssl_reason());
  }
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

struct TlsContext::Impl {
  TlsConfig config;
  SSL_CTX* ctx = nullptr;
  mutable std::mutex mutex;
  std::unordered_map<std::string, std::deque<SSL_SESSION*>> sessions;

  ~Impl() {
    for (auto& [origin, queue] : sessions) {
      for (auto* session : queue) SSL_SESSION_free(session);
    }
    SSL_CTX_free(ctx);
  }
};

TlsContext::TlsContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsContext::~TlsContext() = default;

std::shared_ptr<TlsContext> TlsContext::create(const TlsConfig& config) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  ERR_clear_error();
  impl->ctx = SSL_CTX_new(TLS_client_method());
  if (!impl->ctx) throw std::runtime_error("could not create a TLS context: " + openssl_reason());
  SSL_CTX* ctx = impl->ctx;

  // RFC 8996 deprecates TLS 1.0 and 1.1; RFC 9113 section 9.2 requires 1.2+ for HTTP/2.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // Renegotiation would make the handshake resume in the middle of a read or a write; with one
  // reader and one writer sharing the connection it is refused (RFC 9113 section 9.2.1 forbids
  // it for HTTP/2 anyway). Servers that close without close_notify are common; message framing
  // (Content-Length, chunked, HTTP/2 END_STREAM) detects truncation above this layer.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);

  if (config.verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const auto cert_file = config.trust_env ? env("SSL_CERT_FILE") : std::string();
    const auto cert_dir = config.trust_env ? env("SSL_CERT_DIR") : std::string();
    if (!config.ca_bundle.empty()) {
      load_verify_location(ctx, config.ca_bundle);
    } else if (!cert_file.empty() || !cert_dir.empty()) {
      if (!cert_file.empty()) load_verify_location(ctx, cert_file);
      if (!cert_dir.empty()) load_verify_location(ctx, cert_dir);
    } else {
      load_system_verify_locations(ctx);
    }
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }

  if (!impl->config.cert_file.empty()) {
    SSL_CTX_set_default_passwd_cb(ctx, on_password);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, &impl->config.key_password);
    const auto& cert = impl->config.cert_file;
    const auto& key = impl->config.key_file.empty() ? cert : impl->config.key_file;
    if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1) {
      throw std::runtime_error("could not load client certificate '" + cert + "': " + openssl_reason());
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw std::runtime_error("could not load client key '" + key + "': " + openssl_reason());
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
      throw std::runtime_error("client key '" + key + "' does not match certificate '" + cert + "': " +
                               openssl_reason());
    }
  }

  if (!config.alpn.empty()) {
    const auto wire = alpn_wire_format(config.alpn);
    // Unlike most of OpenSSL, SSL_CTX_set_alpn_protos returns 0 on success.
    if (SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                                static_cast<unsigned>(wire.size())) != 0) {
      throw std::runtime_error("could not set ALPN protocols: " + openssl_reason());
    }
  }

  // Client sessions are kept here, per origin, instead of OpenSSL's internal cache, which is
  // keyed by session id and useless for choosing what to resume with a given server.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);

  auto context = std::shared_ptr<TlsContext>(new TlsContext(std::move(impl)));
  SSL_CTX_set_ex_data(ctx, context_index(), context.get());
  return context;
}

const TlsConfig& TlsContext::config() const noexcept { return impl_->config; }

ssl_ctx_st* TlsContext::native_handle() const noexcept { return impl_->ctx; }

void TlsContext::attach(ssl_st* ssl, const std::string& origin) {
  SSL_set_ex_data(ssl, origin_index(), const_cast<std::string*>(&origin));
  if (auto* session = take_session(origin)) {
    SSL_set_session(ssl, session);  // takes its own reference
    SSL_SESSION_free(session);
  }
}

ssl_session_st* TlsContext::take_session(std::string_view origin) {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->sessions.find(std::string(origin));
  if (it == impl_->sessions.end()) return nullptr;
  auto& queue = it->second;
  while (!queue.empty()) {
    SSL_SESSION* session = queue.back();
    if (!SSL_SESSION_is_resumable(session)) {
      queue.pop_back();
      SSL_SESSION_free(session);
      continue;
    }
    // RFC 8446 appendix C.4: a TLS 1.3 ticket used twice lets observers link the connections,
    // so it is handed out once; a TLS 1.2 session may be resumed by several connections.
    if (SSL_SESSION_get_protocol_version(session) >= TLS1_3_VERSION) {
      queue.pop_back();
    } else {
      SSL_SESSION_up_ref(session);
    }
    return session;
  }
  impl_->sessions.erase(it);
  return nullptr;
}

void TlsContext::store_session(std::string_view origin, ssl_session_st* session) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->sessions.find(std::string(origin));
  if (it == impl_->sessions.end()) {
    if (impl_->sessions.size() >= max_origins) {
      for (auto* old : impl_->sessions.begin()->second) SSL_SESSION_free(old);
      impl_->sessions.erase(impl_->sessions.begin());
    }
    it = impl_->sessions.emplace(std::string(origin), std::deque<SSL_SESSION*>{}).first;
  }
  auto& queue = it->second;
  SSL_SESSION_up_ref(session);
  queue.push_back(session);
  if (queue.size() > max_sessions_per_origin) {
    SSL_SESSION_free(queue.front());
    queue.pop_front();
  }
}

std::size_t TlsContext::cached_sessions() const {
  std::lock_guard lock(impl_->mutex);
  std::size_t count = 0;
  for (const auto& [origin, queue] : impl_->sessions) count += queue.size();
  return count;
}

std::string TlsContext::describe() const {
  std::string alpn;
  for (const auto& protocol : impl_->config.alpn) alpn += (alpn.empty() ? "" : ",") + protocol;
  return "<TlsContext verify=" + std::string(impl_->config.verify ? "true" : "false") +
         " alpn=" + (alpn.empty() ? "none" : alpn) + " sessions=" + std::to_string(cached_sessions()) + ">";
}

}  // namespace httpxx::detail
