#!/usr/bin/python3
"""python3-requests as a benchmark peer of the blocking httpxx::Client: one Session, so its
connection is kept alive (urllib3's pool), unless --new-connections sends Connection: close."""

import requests

import peer_common


def main():
    args = peer_common.parse_args(__doc__)
    session = requests.Session()
    session.trust_env = False  # a proxy in the environment must not capture loopback traffic
    verify = args.ca or True
    headers = {"Connection": "close"} if args.new_connections else {}
    method = "POST" if args.post_size else "GET"
    data = peer_common.body(args) if args.post_size else None
    received = 0
    with peer_common.Timer() as timer:
        for _ in range(args.count):
            response = session.request(method, args.url, data=data, headers=headers,
                                       verify=verify, timeout=120)
            peer_common.check(response.status_code, args.url)
            received += len(response.content)
    peer_common.report(args.count, timer.seconds, received)


if __name__ == "__main__":
    main()
