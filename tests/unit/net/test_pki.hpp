// A throw-away PKI for the TLS tests, made with OpenSSL's C API into a temporary directory.
#pragma once

#include <string>

namespace httpxx::test {

struct TestPki {
  std::string dir;
  std::string ca_cert;                           // the CA every good certificate chains to
  std::string other_ca_cert;                     // an unrelated CA
  std::string server_cert, server_key;           // 127.0.0.1, ::1, localhost; valid
  std::string expired_cert;                      // same names, expired an hour ago (server_key)
  std::string wrong_host_cert;                   // other.example only (server_key)
  std::string self_signed_cert;                  // 127.0.0.1, localhost, issuer = itself (server_key)
  std::string client_cert, client_key;           // CN=httpxx-test-client; key encrypted
  std::string client_key_password;
};

// Made once per process, on first use.
const TestPki& test_pki();

}  // namespace httpxx::test
