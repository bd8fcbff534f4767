#!/usr/bin/python3
"""python3-httpx as a benchmark peer of both httpxx clients: "sync" makes one request after the
other with httpx.Client, "async" keeps --concurrency requests in flight with httpx.AsyncClient.
--protocol h2 negotiates HTTP/2 by ALPN (python3-h2), h2c uses it with prior knowledge."""

import asyncio

import httpx

import peer_common


def client_options(args):
    keepalive = 0 if args.new_connections else args.concurrency
    return dict(http1=args.protocol != "h2c", http2=args.protocol != "h1",
                verify=args.ca or True, trust_env=False, timeout=120,
                limits=httpx.Limits(max_connections=args.concurrency,
                                    max_keepalive_connections=keepalive))


def request_options(args):
    options = {}
    if args.post_size:
        options["content"] = peer_common.body(args)
    if args.new_connections:
        options["headers"] = {"Connection": "close"}
    return options


def run_sync(args):
    method = "POST" if args.post_size else "GET"
    options = request_options(args)
    received = 0
    with httpx.Client(**client_options(args)) as client:
        with peer_common.Timer() as timer:
            for _ in range(args.count):
                response = client.request(method, args.url, **options)
                peer_common.check(response.status_code, args.url)
                received += len(response.content)
    peer_common.report(args.count, timer.seconds, received)


async def run_async(args):
    method = "POST" if args.post_size else "GET"
    options = request_options(args)
    state = {"started": 0, "bytes": 0}

    async def worker(client):
        while state["started"] < args.count:
            state["started"] += 1
            response = await client.request(method, args.url, **options)
            peer_common.check(response.status_code, args.url)
            state["bytes"] += len(response.content)

    async with httpx.AsyncClient(**client_options(args)) as client:
        with peer_common.Timer() as timer:
            await asyncio.gather(*(worker(client) for _ in range(args.concurrency)))
    peer_common.report(args.count, timer.seconds, state["bytes"])


def main():
    args = peer_common.parse_args(__doc__, modes=("sync", "async"), protocols=("h1", "h2", "h2c"))
    if args.mode == "sync":
        run_sync(args)
    else:
        asyncio.run(run_async(args))


if __name__ == "__main__":
    main()
