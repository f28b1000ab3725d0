"""`python -m crawler.demo_shop generate OUT [--seed N]`, `add OUT N`, `serve OUT [--port P]`."""
from __future__ import annotations

import argparse
import sys
import time

from . import add_reviews, generate, load_manifest, serve


def main(argv: list[str] | None = None) -> int:
    """Command line of the demo shop.

    Example: `python -m crawler.demo_shop generate data/demo_shop && python -m crawler.demo_shop serve data/demo_shop`
    """
    parser = argparse.ArgumentParser(prog="python -m crawler.demo_shop", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write the shop and its manifest into OUT")
    gen.add_argument("out", nargs="?", default="data/demo_shop")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--min-reviews", type=int, default=150)
    gen.add_argument("--max-reviews", type=int, default=300)
    gen.add_argument("--base-url", default=None, help="absolute URLs for sitemap.xml and robots.txt")
    add = sub.add_parser("add", help="add N newer reviews to the shop in OUT")
    add.add_argument("out")
    add.add_argument("n", type=int)
    add.add_argument("--seed", type=int, default=1)
    srv = sub.add_parser("serve", help="serve the shop in OUT on 127.0.0.1 until Ctrl-C")
    srv.add_argument("out", nargs="?", default="data/demo_shop")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            path = generate(args.out, seed=args.seed, reviews_per_product=(args.min_reviews, args.max_reviews),
                            base_url=args.base_url)
            print(f"wrote {len(load_manifest(path))} reviews to {path}")
        elif args.command == "add":
            added = add_reviews(args.out, args.n, seed=args.seed)
            print(f"added {len(added)} reviews to {args.out}")
        else:
            with serve(args.out, host=args.host, port=args.port) as shop:
                print(f"serving {args.out} at {shop.url}/ (Ctrl-C stops)", flush=True)
                while True:
                    time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
