#include "test_pki.hpp"

#include "net_test_support.hpp"

#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>

namespace httpxx::test {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

Key make_key() {
  Key key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  REQUIRE(key);
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  REQUIRE(extension != nullptr);
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

struct CertSpec {
  std::string common_name;
  std::string subject_alt_names;  // "DNS:localhost,IP:127.0.0.1", "" for none
  bool ca = false;
  long valid_from = -3600;        // seconds from now
  long valid_until = 86400;
};

// Signs spec for key with issuer's key; issuer null makes it self-signed.
Cert make_cert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  static long serial = 1;
  Cert cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.valid_from);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.valid_until);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  add_extension(cert.get(), signer, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_extension(cert.get(), signer, NID_key_usage,
                spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (!spec.ca) add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
  if (!spec.subject_alt_names.empty()) {
    add_extension(cert.get(), signer, NID_subject_alt_name, spec.subject_alt_names.c_str());
  }
  REQUIRE(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0);
  return cert;
}

void write_cert(const std::string& path, X509* cert) {
  FILE* file = std::fopen(path.c_str(), "w");
  REQUIRE(file != nullptr);
  PEM_write_X509(file, cert);
  std::fclose(file);
}

void write_key(const std::string& path, EVP_PKEY* key, const std::string& password = "") {
  FILE* file = std::fopen(path.c_str(), "w");
  REQUIRE(file != nullptr);
  if (password.empty()) {
    PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_PrivateKey(file, key, EVP_aes_256_cbc(), reinterpret_cast<const unsigned char*>(password.data()),
                         static_cast<int>(password.size()), nullptr, nullptr);
  }
  std::fclose(file);
}

TestPki make_pki(const TempDir& dir) {
  TestPki pki;
  pki.dir = dir.path();
  const std::string names = "DNS:localhost,IP:127.0.0.1,IP:::1";

  const auto ca_key = make_key();
  const auto ca = make_cert({"httpxx test CA", "", true}, ca_key.get(), nullptr, nullptr);
  pki.ca_cert = dir.file("ca.pem");
  write_cert(pki.ca_cert, ca.get());

  const auto other_key = make_key();
  const auto other_ca = make_cert({"unrelated CA", "", true}, other_key.get(), nullptr, nullptr);
  pki.other_ca_cert = dir.file("other-ca.pem");
  write_cert(pki.other_ca_cert, other_ca.get());

  const auto server_key = make_key();
  pki.server_key = dir.file("server-key.pem");
  write_key(pki.server_key, server_key.get());
  pki.server_cert = dir.file("server.pem");
  write_cert(pki.server_cert, make_cert({"localhost", names}, server_key.get(), ca.get(), ca_key.get()).get());
  pki.expired_cert = dir.file("expired.pem");
  write_cert(pki.expired_cert,
             make_cert({"localhost", names, false, -7200, -3600}, server_key.get(), ca.get(), ca_key.get()).get());
  pki.wrong_host_cert = dir.file("wrong-host.pem");
  write_cert(pki.wrong_host_cert,
             make_cert({"other.example", "DNS:other.example"}, server_key.get(), ca.get(), ca_key.get()).get());
  pki.self_signed_cert = dir.file("self-signed.pem");
  write_cert(pki.self_signed_cert, make_cert({"localhost", names}, server_key.get(), nullptr, nullptr).get());

  const auto client_key = make_key();
  pki.client_key_password = "client key secret";
  pki.client_key = dir.file("client-key.pem");
  write_key(pki.client_key, client_key.get(), pki.client_key_password);
  pki.client_cert = dir.file("client.pem");
  write_cert(pki.client_cert,
             make_cert({"httpxx-test-client", ""}, client_key.get(), ca.get(), ca_key.get()).get());
  return pki;
}

}  // namespace

const TestPki& test_pki() {
  static const TempDir dir;
  static const TestPki pki = make_pki(dir);
  return pki;
}

}  // namespace httpxx::test
