// Where and when a benchmark ran: every figure it prints is only meaningful with these beside it.
import * as os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
}

export interface RunInfo {
  date: string;
  machine: MachineInfo;
  /** 1/5/15-minute load averages when the run started and when it ended. */
  load: { start: number[]; end: number[] };
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim(),
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function loadAverage(): number[] {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}

/** One line for the README above the table. */
export function describeRun(run: RunInfo): string {
  const m = run.machine;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');
  return `Measured ${run.date} on ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}, node ${m.node}; load average (1/5/15 min) ${load(run.load.start)} at start, ${load(run.load.end)} at end.`;
}
