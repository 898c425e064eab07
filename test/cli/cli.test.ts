import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureDir, jsonRoute, moduleConfig } from '../fixture-dir.ts'
import { REPO, runCli } from './run-cli.ts'

describe('dskity validate', () => {
  it('exits 0 for a valid app, with machine-readable --json', () => {
    const res = runCli(['validate', 'playground', '--json'])
    expect(res.code).toBe(0)
    const out = JSON.parse(res.stdout)
    expect(out).toMatchObject({ ok: true, exitCode: 0 })
    expect(out.checks.map((c: { name: string }) => c.name)).toEqual(['config', 'modules'])
  })

  it('exits 1 for a cycle a → b → c → a and names all three', () => {
    const root = fixtureDir({
      'modules/a/module.config.ts': moduleConfig({ dependsOn: ['b'] }),
      'modules/b/module.config.ts': moduleConfig({ dependsOn: ['c'] }),
      'modules/c/module.config.ts': moduleConfig({ dependsOn: ['a'] }),
    })
    const res = runCli(['validate', root])
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/a → b → c → a/)
    const json = JSON.parse(runCli(['validate', root, '--json']).stdout)
    expect(json).toMatchObject({ ok: false, exitCode: 1, checks: [{ name: 'modules', ok: false, code: 'DSKITY_E_MODULE_CYCLE', details: { cycle: ['a', 'b', 'c'] } }] })
  })

  it('exits 2 when the --config file does not exist or does not parse', () => {
    const missing = runCli(['validate', 'playground', '--config', 'nope.yaml'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/nope\.yaml .*does not exist/)
    const root = fixtureDir({ 'dskity.config.yaml': 'name: [unclosed\n' })
    const broken = runCli(['validate', root])
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(/cannot read config file .*dskity\.config\.yaml/)
  })

  it('--config is found relative to the working directory or the service folder', () => {
    expect(runCli(['validate', 'playground', '--config', 'playground/profiles/redis.yaml']).code).toBe(0)
    expect(runCli(['validate', 'playground', '--config', 'profiles/redis.yaml']).code).toBe(0)
  })

  it('search paths in a config file are relative to that file', () => {
    const root = fixtureDir({ 'conf/extra.yaml': 'modules_search_paths: [../more, modules]\n', 'more/extra/routes/index.get.ts': jsonRoute({}), 'modules/base/routes/index.get.ts': jsonRoute({}) })
    const res = runCli(['list', root, '--config', `${root}/conf/extra.yaml`, '--json'])
    expect(res.code, res.stderr).toBe(0)
    expect(JSON.parse(res.stdout).modules.map((m: { name: string }) => m.name)).toEqual(['base', 'extra'])
  })

  it('exits 1 on an invalid config value, naming the key and the variable', () => {
    const res = runCli(['validate', 'playground'], { env: { DSKITY_COMMON__CORS__MAX_AGE: 'ten' } })
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/DSKITY_COMMON__CORS__MAX_AGE="ten" is not a number/)
  })
})

describe('dskity list', () => {
  it('prints the playground modules in dependency order with base paths, deps and counts', () => {
    const res = runCli(['list', 'playground', '--json'])
    expect(res.code).toBe(0)
    const { modules } = JSON.parse(res.stdout)
    expect(modules.map((m: { name: string }) => m.name).filter((n: string) => ['catalog', 'orders', 'notifications'].includes(n))).toEqual(['catalog', 'orders', 'notifications'])
    expect(modules.find((m: { name: string }) => m.name === 'orders')).toMatchObject({ basePath: '/orders', enabled: true, dependsOn: ['catalog'], routes: 4 })
  })

  it('--target disables the rest and notes pulled-in dependencies', () => {
    const root = fixtureDir({ 'modules/a/routes/index.get.ts': jsonRoute({}), 'modules/b/module.config.ts': moduleConfig({ dependsOn: ['a'] }), 'modules/c/routes/index.get.ts': jsonRoute({}) })
    const res = runCli(['list', root, '--target', 'b'])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/c\s+\/c\s+false/)
    expect(res.stdout).toMatch(/note: target `b` pulls in its dependency `a`/)
  })
})

describe('dskity (no command)', () => {
  it('rejects an unknown command clearly', () => {
    const res = runCli(['frobnicate'])
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/unknown command `frobnicate`/)
  })
})

describe('dskity validate checks what run would refuse', () => {
  it('invalid module settings from env or the config file → exit 1 naming module and key', () => {
    const env = runCli(['validate', 'playground'], { env: { DSKITY_MODULES__ORDERS__SETTINGS__MAX_ITEMS: 'abc' } })
    expect(env.code).toBe(1)
    expect(env.stderr).toMatch(/module `orders`: invalid settings:\s+- modules\.orders\.settings\.maxItems/)
    // A number out of range is reported as out of range (not as "expected number, received string").
    const negative = runCli(['validate', 'playground'], { env: { DSKITY_MODULES__ORDERS__SETTINGS__MAX_ITEMS: '-1' } })
    expect(negative.stderr).toMatch(/maxItems: Too small: expected number to be >0 \[from DSKITY_MODULES__ORDERS__SETTINGS__MAX_ITEMS\]/)
    // From a config file: the error names the config file(s).
    const root = fixtureDir({ 'bad.yaml': 'modules:\n  orders:\n    settings:\n      maxItems: -3\n' })
    const file = runCli(['validate', 'playground', '--config', `${root}/bad.yaml`])
    expect(file.stderr).toMatch(/maxItems: Too small: expected number to be >0 \[from .*bad\.yaml, .*playground\/dskity\.config\.ts\]/)
  })

  it('a route file with a syntax error or without a default export → exit 1 naming the file', () => {
    const syntax = fixtureDir({ 'modules/a/routes/index.get.ts': 'export default {{{' })
    const res = runCli(['validate', syntax])
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/cannot load route file .*index\.get\.ts/)
    const noDefault = fixtureDir({ 'modules/a/routes/index.get.ts': 'export const x = 1' })
    expect(runCli(['validate', noDefault]).stderr).toMatch(/index\.get\.ts must `export default defineEventHandler/)
    expect(runCli(['build', noDefault]).code).toBe(1)
  })
})

describe('mistyped flags are errors, not ignored', () => {
  it('an unknown option exits 1, names the command and suggests the nearest option', () => {
    const res = runCli(['run', '--prot', '3000', 'playground'])
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/unknown option `--prot` for `dskity run` \(did you mean `--port`\?\)/)
    expect(res.stderr).toMatch(/Options: .*--port.*--reload/)
    const validate = runCli(['validate', 'playground', '--stirct'])
    expect(validate.code).toBe(1)
    expect(validate.stderr).toMatch(/did you mean `--strict`/)
    expect(validate.stdout).toBe('') // nothing was validated: a typo never looks like a pass
  })

  it('a missing value, a value on a switch and a stray argument are refused', () => {
    expect(runCli(['list', 'playground', '--config']).stderr).toMatch(/`--config` of `dskity list` needs a value/)
    expect(runCli(['run', 'playground', '--reload=yes']).stderr).toMatch(/`--reload` of `dskity run` is a switch/)
    const stray = runCli(['list', 'playground', 'extra'])
    expect(stray.code).toBe(1)
    expect(stray.stderr).toMatch(/takes one argument besides options; got `playground`, `extra`/)
  })

  it('a bad --log-level or PORT is named as the flag/variable it came from, not as a config file value', () => {
    const level = runCli(['run', 'playground', '--log-level', 'verbose', '--no-reload'])
    expect([level.code, level.stderr]).toEqual([1, expect.stringMatching(/--log-level must be one of silent, .*trace; got "verbose"/)])
    expect(level.stderr).not.toMatch(/dskity\.config/)
    const port = runCli(['run', 'playground', '--no-reload'], { env: { PORT: 'abc' } })
    expect([port.code, port.stderr]).toEqual([1, expect.stringMatching(/PORT must be a whole number from 0 to 65535, got "abc"/)])
    for (const odd of ['0x20D0', '1e3']) expect(runCli(['run', 'playground', '--no-reload', '--port', odd]).stderr).toMatch(/--port must be a whole number/)
  })

  it('known spellings still work: --flag=value, --no-<switch>, --help', () => {
    expect(runCli(['list', 'playground', '--json', '--target=cart']).code).toBe(0)
    expect(runCli(['validate', 'playground', '--no-strict']).code).toBe(0)
    expect(runCli(['list', '--help']).code).toBe(0)
  })
})

describe('dskity --version and --help', () => {
  it('--version prints the package version and exits 0; help piped to a file has no colour codes', () => {
    const version = runCli(['--version'])
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect([version.code, version.stdout.trim()]).toEqual([0, pkg.version])
    // vitest's COLOR=0/TEST/NODE_ENV=test turn colours off; without them citty would colour a pipe.
    const help = runCli(['run', '--help'], { env: { COLOR: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined, TEST: undefined, VITEST: undefined, NODE_ENV: undefined } })
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/--port/)
    expect(help.stdout).not.toMatch(/\x1b\[/)
  })
})

describe('dskity build never deletes what is not a build', () => {
  it('refuses a non-empty folder, a file, or a folder containing the project, and leaves them as they were', () => {
    const root = fixtureDir({ 'keep/important.txt': 'precious', 'a-file': 'x' })
    const folder = runCli(['build', 'playground', '--output', `${root}/keep`])
    expect([folder.code, folder.stderr]).toEqual([1, expect.stringMatching(/is not empty and does not hold an earlier build \(found important\.txt\); .*nothing was written/)])
    expect(readFileSync(`${root}/keep/important.txt`, 'utf8')).toBe('precious')
    expect(runCli(['build', 'playground', '--output', `${root}/a-file`]).stderr).toMatch(/is a file, not a folder/)
    expect(readFileSync(`${root}/a-file`, 'utf8')).toBe('x')
    for (const out of ['/', REPO]) expect(runCli(['build', 'playground', '--output', out]).stderr).toMatch(/contains the project/)
    expect(runCli(['build', 'playground', '--output', `${root}/a-file/sub`]).stderr).toMatch(/is inside .*a-file, which is a file/)
    expect(runCli(['build', 'playground', '--output', 'playground/.dskity/nitro']).stderr).toMatch(/is dskity's own scratch folder/)
  })
})
