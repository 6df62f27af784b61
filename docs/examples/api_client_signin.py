#!/usr/bin/env python
"""Sign in to WorkWall's API with a private key, then call an authenticated endpoint.

    python docs/examples/api_client_signin.py --base-url http://127.0.0.1:8000 --key 0x<64 hex>

Without --key a throwaway key is made (a new user is created on first sign-in).
It needs only eth-account (in requirements.txt) and the standard library:

1. GET  /api/v1/auth/nonce?address=<address>  -> the exact EIP-4361 message to sign
2. sign it (EIP-191 personal_sign) with the key
3. POST /api/v1/auth/login {"message", "signature"} -> a bearer token
4. GET  /api/v1/me/ with "Authorization: Bearer <token>"
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct


def call(method: str, url: str, *, body: dict[str, Any] | None = None, token: str | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310  (http(s) URL given by the user)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        error = json.loads(exc.read() or b"{}")
        raise SystemExit(f"{method} {url} -> {exc.code} {error.get('code')}: {error.get('detail')}") from exc


def sign_in(base_url: str, key: str) -> tuple[str, dict[str, Any]]:
    """Returns the bearer token and the signed-in user."""
    account = Account.from_key(key)
    query = urllib.parse.urlencode({"address": account.address})
    nonce = call("GET", f"{base_url}/api/v1/auth/nonce?{query}")
    message = nonce["message"]
    signature = account.sign_message(encode_defunct(text=message)).signature.hex()
    if not signature.startswith("0x"):
        signature = "0x" + signature
    login = call("POST", f"{base_url}/api/v1/auth/login", body={"message": message, "signature": signature})
    return login["token"], login["user"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", help="0x-prefixed private key (default: a new random one)")
    args = parser.parse_args(argv)
    key = args.key or Account.create().key.hex()
    base_url = args.base_url.rstrip("/")

    token, user = sign_in(base_url, key)
    print(f"signed in as {user['address']}")
    me = call("GET", f"{base_url}/api/v1/me/", token=token)
    print(json.dumps(me, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
