#include "tls_test_server.hpp"

#include <doctest/doctest.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>

namespace httpxx::test {
namespace {

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned inlen,
                void* arg) {
  const auto* preferred = static_cast<const std::vector<std::string>*>(arg);
  for (const auto& protocol : *preferred) {
    for (unsigned i = 0; i < inlen; i += 1u + in[i]) {
      if (in[i] == protocol.size() && std::equal(protocol.begin(), protocol.end(), in + i + 1)) {
        *out = in + i + 1;
        *outlen = in[i];
        return SSL_TLSEXT_ERR_OK;
      }
    }
  }
  return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

TlsTestServer::TlsTestServer(const TlsServerOptions& options) : options_(options) {
  // OpenSSL writes to the socket with write(): a client that already left must not kill the
  // test process with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  ctx_ = SSL_CTX_new(TLS_server_method());
  REQUIRE(ctx_ != nullptr);
  REQUIRE(SSL_CTX_use_certificate_chain_file(ctx_, options_.cert_file.c_str()) == 1);
  REQUIRE(SSL_CTX_use_PrivateKey_file(ctx_, options_.key_file.c_str(), SSL_FILETYPE_PEM) == 1);
  static const unsigned char session_context[] = "httpxx-test";
  SSL_CTX_set_session_id_context(ctx_, session_context, sizeof session_context - 1);
  if (!options_.client_ca_file.empty()) {
    REQUIRE(SSL_CTX_load_verify_file(ctx_, options_.client_ca_file.c_str()) == 1);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  if (!options_.alpn.empty()) SSL_CTX_set_alpn_select_cb(ctx_, select_alpn, &options_.alpn);
  if (options_.tls12_max) SSL_CTX_set_max_proto_version(ctx_, TLS1_2_VERSION);
  if (options_.tls11_only) {
    // Old protocol versions are outside the default security level.
    SSL_CTX_set_security_level(ctx_, 0);
    SSL_CTX_set_cipher_list(ctx_, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx_, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx_, TLS1_1_VERSION);
  }

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listen_fd_ >= 0);
  // Set before listen(): accepted sockets inherit it, and the window it implies is announced.
  if (options_.receive_buffer > 0) {
    REQUIRE(::setsockopt(listen_fd_, SOL_SOCKET, SO_RCVBUF, &options_.receive_buffer,
                         sizeof options_.receive_buffer) == 0);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listen_fd_, 16) == 0);
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  REQUIRE(::pipe(wake_pipe_) == 0);
  thread_ = std::thread([this] { serve(); });
}

TlsTestServer::~TlsTestServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (client_fd_ >= 0) ::shutdown(client_fd_, SHUT_RDWR);
  }
  const char byte = 0;
  [[maybe_unused]] const auto written = ::write(wake_pipe_[1], &byte, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
  SSL_CTX_free(ctx_);
}

std::vector<TlsTestServer::Connection> TlsTestServer::finished(std::size_t count) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::seconds(10), [&] { return finished_.size() >= count; });
  return finished_;
}

void TlsTestServer::serve() {
  for (;;) {
    std::array<pollfd, 2> fds{{{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0 || fds[1].revents != 0) return;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      client_fd_ = fd;
    }
    handle(fd);
    std::lock_guard lock(mutex_);
    client_fd_ = -1;
    ::close(fd);
  }
}

void TlsTestServer::handle(int fd) {
  SSL* ssl = SSL_new(ctx_);
  SSL_set_fd(ssl, fd);
  Connection connection;
  if (SSL_accept(ssl) == 1) {
    connection.handshake_ok = true;
    connection.session_reused = SSL_session_reused(ssl) == 1;
    connection.protocol = SSL_get_version(ssl);
    if (X509* peer = SSL_get1_peer_certificate(ssl)) {
      std::array<char, 256> cn{};
      X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn.data(), cn.size());
      connection.client_subject = cn.data();
      X509_free(peer);
    }
    const unsigned char* protocol = nullptr;
    unsigned length = 0;
    SSL_get0_alpn_selected(ssl, &protocol, &length);
    if (protocol) connection.alpn.assign(reinterpret_cast<const char*>(protocol), length);
    std::array<char, 16384> buffer{};
    for (;;) {
      const int n = SSL_read(ssl, buffer.data(), static_cast<int>(buffer.size()));
      if (n <= 0) {
        // ZERO_RETURN is close_notify alone: not a fatal alert, nor the socket's end.
        connection.close_notify_received = SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN;
        break;
      }
      if (SSL_write(ssl, buffer.data(), n) <= 0) break;
    }
  }
  ERR_clear_error();
  SSL_free(ssl);
  std::lock_guard lock(mutex_);
  finished_.push_back(connection);
  changed_.notify_all();
}

}  // namespace httpxx::test
