// Preloaded (`node -r`) into a benchmarked child process: on exit it writes the process's own peak RSS
// and CPU time (every thread: main, libuv pool, libvips, workers) to $DAILIES_BENCH_RUSAGE as JSON.
const { readFileSync, writeFileSync } = require('node:fs');

/**
 * This process's own peak RSS in KiB. On Linux, getrusage's maxRSS (process.resourceUsage) starts from the
 * parent's RSS at the fork before exec, so a child of a big bench process would report the parent's size:
 * the kernel's per-address-space high-water mark (VmHWM) is this process's alone.
 */
function peakRssKiB() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: getrusage is the best there is
  }
  return process.resourceUsage().maxRSS;
}

const out = process.env.DAILIES_BENCH_RUSAGE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({
        maxRssKiB: peakRssKiB(),
        userMs: u.userCPUTime / 1000,
        systemMs: u.systemCPUTime / 1000,
      }),
    );
  });
}

module.exports = { peakRssKiB };
