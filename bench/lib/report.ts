/** Markdown pieces of the report, and the machine it ran on. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const mb = (bytes: number) => String(Math.round(bytes / 2 ** 20));
export const ms = (n: number) => (n >= 100 ? int(n) : n.toFixed(1));
/** CPU per request of a server and of PostgreSQL (– when PostgreSQL's could not be read). */
export const cpu = (r: { cpuMs?: number; dbCpuMs?: number }) =>
  `${r.cpuMs?.toFixed(2) ?? '–'} / ${r.dbCpuMs?.toFixed(2) ?? '–'}`;
/** x / y to two decimals, or – when there is nothing to compare with. */
export const ratio = (x: number, y: number | undefined) => (y ? (x / y).toFixed(2) : '–');
export const statements = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  os: string;
  loadAverage: string;
}

export function machine(): Machine {
  let cores = os.availableParallelism();
  try {
    cores = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || cores;
  } catch {
    // nproc is coreutils; os.availableParallelism() is the same figure where it is missing
  }
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return {
    cores,
    cpu,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
  };
}
