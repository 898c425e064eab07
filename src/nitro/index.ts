/** The Nitro host: `dskity build` → a standalone `.output/`. Build-time only (not for the bundle). */
export { buildBundle, type BuildBundleOptions, type BuildBundleResult } from './build.ts'
export { collectManifestFiles, generateManifestModule, MANIFEST_MODULE_ID, type ManifestModuleOptions } from './virtual-manifest.ts'
