#!/usr/bin/python3
"""python3-aiohttp as a benchmark peer of httpxx::AsyncClient: one ClientSession whose connector
allows --concurrency connections, with that many requests in flight (HTTP/1.1 only)."""

import asyncio
import ssl

import aiohttp

import peer_common


async def run(args):
    method = "POST" if args.post_size else "GET"
    data = peer_common.body(args) if args.post_size else None
    tls = ssl.create_default_context(cafile=args.ca) if args.ca else None
    connector = aiohttp.TCPConnector(limit=args.concurrency, ssl=tls,
                                     force_close=args.new_connections)
    state = {"started": 0, "bytes": 0}

    async def worker(session):
        while state["started"] < args.count:
            state["started"] += 1
            async with session.request(method, args.url, data=data) as response:
                peer_common.check(response.status, args.url)
                state["bytes"] += len(await response.read())

    timeout = aiohttp.ClientTimeout(total=None, sock_read=120, sock_connect=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     trust_env=False) as session:
        with peer_common.Timer() as timer:
            await asyncio.gather(*(worker(session) for _ in range(args.concurrency)))
    peer_common.report(args.count, timer.seconds, state["bytes"])


def main():
    asyncio.run(run(peer_common.parse_args(__doc__)))


if __name__ == "__main__":
    main()
