// The machine the figures come from: CPU, cores, load average (at the start and at the end: the machine may be
// shared, and a load average near or above the core count means every process waited for a core), date, Node.
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly date: string;
}

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    kernel: `Linux ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): [number, number, number] {
  const [one = NaN, five = NaN, fifteen = NaN] = loadavg();
  return [one, five, fifteen];
}

export const formatLoad = (load: readonly number[]): string => load.map((n) => n.toFixed(2)).join(" ");
