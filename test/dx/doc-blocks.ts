import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

/** A fenced block of a guide; `file` is the path its first line (`// file: …`, `# file: …`) names. */
export interface DocBlock {
  guide: string
  lang: string
  file?: string
  /** The block's text without the `file:` line. */
  body: string
}

/** The fenced code blocks of `docs/<guide>.md`. */
export function docBlocks(guide: string): DocBlock[] {
  const text = readFileSync(join(REPO, 'docs', `${guide}.md`), 'utf8')
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, lang, raw]) => {
    const marker = raw.match(/^(?:\/\/|#) file: (\S+)\n/)
    return { guide, lang, file: marker?.[1], body: marker ? raw.slice(marker[0].length) : raw }
  })
}

/** The body of the block of `docs/<guide>.md` that names `file`. */
export function docFile(guide: string, file: string): string {
  const block = docBlocks(guide).find((b) => b.file === file)
  if (!block) throw new Error(`docs/${guide}.md has no block for ${file}`)
  return block.body
}
