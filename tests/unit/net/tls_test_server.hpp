// A TLS echo server on its own thread, made with OpenSSL's blocking API so the client side under
// test shares no code with it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;

namespace httpxx::test {

struct TlsServerOptions {
  std::string cert_file, key_file;
  std::string client_ca_file;     // when set, a client certificate from this CA is required
  std::vector<std::string> alpn;  // protocols the server accepts, in its order of preference
  bool tls11_only = false;        // offers TLS 1.1 and nothing newer
  bool tls12_max = false;         // offers TLS 1.2 and nothing newer
  int receive_buffer = 0;         // SO_RCVBUF of its connections when not 0: a small one keeps
                                  // the client's socket full while the server falls behind
};

class TlsTestServer {
 public:
  struct Connection {
    bool handshake_ok = false;
    bool session_reused = false;
    std::string client_subject;  // the client certificate's CN, "" without one
    std::string alpn;
    bool close_notify_received = false;   // the client ended the connection with close_notify
    std::string protocol;                 // as OpenSSL names it: "TLSv1.3"
  };

  explicit TlsTestServer(const TlsServerOptions& options);
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;
  ~TlsTestServer();

  std::uint16_t port() const noexcept { return port_; }
  // The connections finished so far, waiting up to 10 s for at least count of them.
  std::vector<Connection> finished(std::size_t count);

 private:
  void serve();
  void handle(int fd);

  TlsServerOptions options_;
  SSL_CTX* ctx_ = nullptr;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Connection> finished_;
  int client_fd_ = -1;  // the connection being served, shut down to stop
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace httpxx::test
