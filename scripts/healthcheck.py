"""Docker healthcheck of a worker or beat container (docker-compose.yml): healthy while this host's heartbeat in
Redis (common/health.py) is younger than HEARTBEAT_STALE_SECONDS. Needs only redis-py, so it costs a few
milliseconds, not a Django start.   python scripts/healthcheck.py worker|beat"""

import os
import socket
import sys
import time

import redis


def main(name: str) -> int:
    limit = float(os.environ.get("HEARTBEAT_STALE_SECONDS", "60"))
    client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=3, socket_connect_timeout=3)
    value = client.get(f"portal:heartbeat:{name}:{socket.gethostname()}")
    if value is None:
        print(f"{name}: no heartbeat")
        return 1
    age = time.time() - float(value)
    print(f"{name}: heartbeat {age:.0f} s ago")
    return 0 if age < limit else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
