// Preloaded (`node -r`) into a benchmarked child process: on exit it writes the process's own peak RSS
// and CPU time (every thread: main, libuv pool, libvips, workers) to $DAILIES_BENCH_RUSAGE as JSON.
const { writeFileSync } = require('node:fs');

const out = process.env.DAILIES_BENCH_RUSAGE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({ maxRssKiB: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }),
    );
  });
}
