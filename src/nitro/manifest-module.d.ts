// Types of the `#dskity/manifest` virtual module that `dskity build` generates (virtual-manifest.ts).
declare module '#dskity/manifest' {
  import type { Manifest } from '../runtime/types.ts'

  /** The scanned app, as plain JSON. */
  export const manifest: Manifest
  /** Raw config object from the config file (env is applied at startup). */
  export const config: Record<string, unknown>
  /** One bundled `import()` per user file, keyed by the file's absolute path at build time. */
  export const loaders: Record<string, () => Promise<Record<string, unknown>>>
}
