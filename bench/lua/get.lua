-- A plain GET, as fast as the connections allow, with the browser's Accept-Encoding if asked.
wrk.headers["Accept-Encoding"] = os.getenv("BENCH_ACCEPT_ENCODING") or "identity"
