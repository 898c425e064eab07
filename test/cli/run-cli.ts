import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/dskity.mjs', import.meta.url))
export const REPO = fileURLToPath(new URL('../..', import.meta.url))

/** Runs the CLI to completion; returns exit code and output. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  // A variable given as `undefined` in opts.env is removed from the child's environment.
  const env = Object.fromEntries(Object.entries({ ...cleanEnv(), ...opts.env }).filter(([, v]) => v !== undefined))
  const res = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? REPO, env, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000 })
  return { code: res.status, stdout: res.stdout, stderr: res.stderr }
}

/** The test process's env without DSKITY_* variables (a developer's shell must not leak in). */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DSKITY_')))
}
