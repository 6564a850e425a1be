"""Starts one cc-server with a fresh, seeded database for the browser tests, reusing
tests/e2e/harness.py, and obeys line commands on stdin:

  down      stop the server (SIGTERM): every browser socket is dropped by the server; prints "down"
  up        start it again on the same port, so clients must reconnect and resume; prints "up"
  sql <SQL> run one statement on the test database; prints its rows as a JSON list
            (to put the server in a state a browser can not reach, such as a failed delivery)
  stop      stop the server and exit (so does end of input)

Prints one JSON line when the server is up: {"port", "channel_id", "admin_email",
"admin_password", "agent_email", "agent_password", "log"}.
Needs the environment scripts/test exports (CC_TEST_PG_ADMIN_URL ...). Run with /usr/bin/python3.
"""
import json
import os
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402


def main():
    env = harness.test_env()
    db_name = "browser_" + uuid.uuid4().hex[:12]
    harness.create_database(env["pg_port"], db_name, host=env["pg_host"])
    url = f"postgresql://{env['pg_user']}@{env['pg_host']}:{env['pg_port']}/{db_name}"
    # A fixed port, so that a restarted server is found at the same address by the pages.
    port = harness.free_port()
    # SIP on a free UDP/TCP port (reported in the JSON line), for the incoming-call spec.
    sip_port_file = os.path.join(env.get("tmpdir") or os.environ.get("CC_TEST_TMPDIR", "/tmp"), db_name + ".sip")
    server = harness.ServerProcess(env, "browser", url, {"CC_HTTP_PORT": str(port), "CC_SIP_PORT": "0",
                                                          "CC_SIP_PORT_FILE": sip_port_file})
    with open(server.log_path, "w"):
        pass
    try:
        channel_id = server.seed()
        server.start()
        # The SIP port changes when the server restarts: specs read the file when they need it.
        print(json.dumps({"port": server.port, "channel_id": channel_id, "sip_port_file": sip_port_file,
                          "admin_email": harness.ADMIN_EMAIL, "admin_password": harness.ADMIN_PASSWORD,
                          "agent_email": "agent1@example.com", "agent_password": harness.DEMO_AGENT_PASSWORD,
                          "agent2_email": "agent2@example.com",
                          "log": server.log_path}), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "down":
                code, _ = server.terminate()
                print("down" if code == 0 else json.dumps({"error": f"cc-server exited {code!r} on SIGTERM"}),
                      flush=True)
            elif command == "up":
                server.start()
                print("up", flush=True)
            elif command.startswith("sql "):
                try:
                    rows = harness.psql(env["pg_port"], command[4:], database=db_name, host=env["pg_host"])
                    print(json.dumps(rows), flush=True)
                except RuntimeError as error:
                    print(json.dumps({"error": str(error)}), flush=True)
            elif command == "stop":
                break
    finally:
        code, took = server.terminate()
        print(json.dumps({"stopped": code, "seconds": round(took, 1)}), file=sys.stderr, flush=True)
        if code != 0:
            sys.exit(f"cc-server exited {code!r} after SIGTERM; log: {server.log_path}")


if __name__ == "__main__":
    main()
