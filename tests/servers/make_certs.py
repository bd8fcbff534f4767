#!/usr/bin/python3
"""Generates the test PKI with the `openssl` command, fresh for every test run.

Files written to the output directory (PEM; keys are P-256 EC keys, fast to make):

  ca.pem, ca.key                  the test CA; it signs every server certificate below
  server.pem, server.key          signed by the CA; SAN IP:127.0.0.1, DNS:localhost
  expired.pem, expired.key        signed by the CA, same SAN, valid only in January 2020
  wrong-host.pem, wrong-host.key  signed by the CA, but for DNS:wrong-host.invalid only
  self-signed.pem, self-signed.key  same SAN as server.pem, signed by itself (not by the CA)
  client-ca.pem, client-ca.key    the CA that nginx trusts for client certificates
  client.pem, client.key          client certificate (extendedKeyUsage clientAuth)
  client-encrypted.key            client.key encrypted (AES-256) with CLIENT_KEY_PASSWORD

Usage: make_certs.py OUTPUT_DIR
"""

import os
import shutil
import subprocess
import sys

CLIENT_KEY_PASSWORD = "httpxx-test-password"
SERVER_SAN = "IP:127.0.0.1,DNS:localhost"


def _openssl(*args, cwd):
    result = subprocess.run(["openssl", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise RuntimeError("openssl %s failed:\n%s" % (" ".join(args), result.stdout))


def _new_key(name, cwd):
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", name + ".key", cwd=cwd)


def _make_ca(name, subject, cwd):
    _new_key(name, cwd)
    _openssl("req", "-x509", "-new", "-key", name + ".key", "-out", name + ".pem",
             "-days", "3650", "-subj", subject,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=cwd)


def _issue(name, subject, extensions, ca, cwd, start=None, end=None):
    """Signs a new key's certificate with `ca` through `openssl ca`, which (unlike `openssl x509
    -req` in OpenSSL 3.0) accepts explicit validity dates: the expired certificate needs them."""
    _new_key(name, cwd)
    _openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", subject,
             cwd=cwd)
    state = os.path.join(cwd, "ca-state-" + name)
    os.makedirs(state)
    open(os.path.join(state, "index.txt"), "w").close()
    config = os.path.join(state, "ca.cnf")
    with open(config, "w") as f:
        f.write(f"""[ca]
default_ca = test_ca
[test_ca]
database = {state}/index.txt
new_certs_dir = {state}
certificate = {ca}.pem
private_key = {ca}.key
rand_serial = yes
default_md = sha256
default_days = 825
policy = policy_any
unique_subject = no
x509_extensions = extensions
[policy_any]
commonName = supplied
[extensions]
{extensions}
""")
    dates = []
    if start:
        dates = ["-startdate", start, "-enddate", end]
    _openssl("ca", "-batch", "-notext", "-config", config, "-in", name + ".csr",
             "-out", name + ".pem", *dates, cwd=cwd)
    os.remove(os.path.join(cwd, name + ".csr"))
    shutil.rmtree(state)


def make_certs(out_dir):
    """Writes every file listed in the module docstring to out_dir; returns their paths."""
    os.makedirs(out_dir, exist_ok=True)
    server_ext = ("basicConstraints = CA:FALSE\n"
                  "keyUsage = critical, digitalSignature, keyEncipherment\n"
                  "extendedKeyUsage = serverAuth\n")
    _make_ca("ca", "/CN=httpxx test CA", out_dir)
    _issue("server", "/CN=localhost", server_ext + "subjectAltName = " + SERVER_SAN, "ca",
           out_dir)
    _issue("expired", "/CN=localhost", server_ext + "subjectAltName = " + SERVER_SAN, "ca",
           out_dir, start="20200101000000Z", end="20200131000000Z")
    _issue("wrong-host", "/CN=wrong-host.invalid",
           server_ext + "subjectAltName = DNS:wrong-host.invalid", "ca", out_dir)
    _new_key("self-signed", out_dir)
    _openssl("req", "-x509", "-new", "-key", "self-signed.key", "-out", "self-signed.pem",
             "-days", "825", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=" + SERVER_SAN, cwd=out_dir)

    _make_ca("client-ca", "/CN=httpxx test client CA", out_dir)
    _issue("client", "/CN=httpxx test client",
           "basicConstraints = CA:FALSE\nextendedKeyUsage = clientAuth\n", "client-ca", out_dir)
    _openssl("pkey", "-in", "client.key", "-aes256", "-passout", "pass:" + CLIENT_KEY_PASSWORD,
             "-out", "client-encrypted.key", cwd=out_dir)

    names = ["ca.pem", "ca.key", "server.pem", "server.key", "expired.pem", "expired.key",
             "wrong-host.pem", "wrong-host.key", "self-signed.pem", "self-signed.key",
             "client-ca.pem", "client-ca.key", "client.pem", "client.key",
             "client-encrypted.key"]
    return {name: os.path.join(out_dir, name) for name in names}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for path in make_certs(sys.argv[1]).values():
        print(path)
