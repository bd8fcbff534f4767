#!/usr/bin/python3
"""Writes the seed inputs of fuzz-decoder: a byte that picks the coding (the order of `codings`
in fuzz_decoder.cpp), then a body encoded that way. Random bytes alone rarely get past a
compressed format's header. Needs python3-brotli and the zstd command.

    /usr/bin/python3 tests/fuzz/seeds/decoder/make_seeds.py
"""
import gzip
import os
import subprocess
import zlib

import brotli

HERE = os.path.dirname(os.path.abspath(__file__))
CODINGS = ["gzip", "deflate", "br", "zstd", "gzip, br", "deflate, zstd", "x-gzip, gzip"]
TEXT = b"httpxx decodes gzip, deflate, br and zstd bodies, and chains of them. " * 40


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout


def raw_deflate(data):
    compressor = zlib.compressobj(wbits=-15)
    return compressor.compress(data) + compressor.flush()


# name: (coding, body); a chain's codings were applied in the order listed.
SEEDS = {
    "gzip": ("gzip", gzip.compress(TEXT)),
    "gzip-two-members": ("gzip", gzip.compress(TEXT[:100]) + gzip.compress(TEXT[100:])),
    "deflate-zlib": ("deflate", zlib.compress(TEXT)),
    "deflate-raw": ("deflate", raw_deflate(TEXT)),
    "br": ("br", brotli.compress(TEXT)),
    "zstd": ("zstd", zstd(TEXT)),
    "gzip-then-br": ("gzip, br", brotli.compress(gzip.compress(TEXT))),
    "deflate-then-zstd": ("deflate, zstd", zstd(zlib.compress(TEXT))),
    "gzip-twice": ("x-gzip, gzip", gzip.compress(gzip.compress(TEXT))),
    # 16 MiB of zeros: far past the fuzz target's cap.
    "gzip-bomb": ("gzip", gzip.compress(bytes(16 << 20), compresslevel=9)),
    "zstd-bomb": ("zstd", zstd(bytes(16 << 20))),
}

for name, (coding, body) in SEEDS.items():
    with open(os.path.join(HERE, name + ".bin"), "wb") as f:
        f.write(bytes([CODINGS.index(coding)]) + body)
