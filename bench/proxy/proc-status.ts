// Memory of a process and of its children, from Linux's /proc: VmRSS (resident now) and VmHWM (peak resident).
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessMemory {
  readonly pid: number;
  /** Its command line, arguments separated by spaces. */
  readonly command: string;
  readonly rssMb: number;
  readonly peakRssMb: number;
}

function statusField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** null when the process is gone or /proc is not there. */
export function processMemory(pid: number): ProcessMemory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return {
      pid,
      command: command.join(" "),
      rssMb: statusField(status, "VmRSS"),
      peakRssMb: statusField(status, "VmHWM"),
    };
  } catch {
    return null;
  }
}

/** The direct children of `pid` (every thread's children list; Linux 3.5+ with CONFIG_PROC_CHILDREN). */
export function childPids(pid: number): number[] {
  const children = new Set<number>();
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8");
      for (const word of text.split(/\s+/)) if (word !== "") children.add(Number(word));
    }
  } catch {
    // gone, or no children file
  }
  return [...children].sort((a, b) => a - b);
}
