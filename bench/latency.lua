-- wrk script: prints the latency percentiles wrk's --latency does not (p95) as one line
-- "percentiles p50=… p95=… p99=…" in milliseconds. Environment: BENCH_AUTH.
function init(args)
  local auth = os.getenv("BENCH_AUTH")
  if auth then wrk.headers["Authorization"] = auth end
end

function done(summary, latency, requests)
  io.write(string.format("percentiles p50=%.2f p95=%.2f p99=%.2f errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout))
end
