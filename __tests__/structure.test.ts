// The shape of src/: stages import no other stage (pipeline/ wires them), and every function reads in one sitting.
import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const SRC = path.join(import.meta.dirname, '..', 'src')
/** The pipeline's stages, in the order data flows through them. */
const STAGES = ['inputs', 'tasks', 'resolve', 'download', 'place', 'report']
/** What every stage may use: shared helpers and the root modules every stage speaks in. */
const SHARED = ['util', 'constants.ts', 'errors.ts', 'results.ts']
/** Longer than this, a function no longer reads in one sitting (STYLE.md: "functions under ~60 lines"). */
const MAX_FUNCTION_LINES = 60

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : []
  )
}

/** `inputs`, `util`, or the file name of a root module (`errors.ts`). */
function home(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
}

/** Where each relative import of a file leads, by home. */
function importedHomes(file: string): string[] {
  const homes: string[] = []
  for (const statement of parse(file).statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue
    const spec = statement.moduleSpecifier
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue
    const target = path.resolve(path.dirname(file), spec.text).replace(/\.js$/, '.ts')
    homes.push(home(target))
  }
  return homes
}

/** Every function with a body: its name, where it starts and how many lines it spans. */
function functions(file: string): Array<{ where: string; lines: number }> {
  const source = parse(file)
  const found: Array<{ where: string; lines: number }> = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line
      const named = node.name ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name : null)
      const name = named ? named.getText() : '(anonymous)'
      found.push({
        where: `${path.relative(SRC, file)}:${first + 1} ${name}`,
        lines: last - first + 1
      })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('src/', () => {
  it('has no stage importing another stage: only pipeline/ and main.ts wire them', () => {
    const wrong = sources().flatMap(file => {
      const from = home(file)
      if (!STAGES.includes(from) && !SHARED.includes(from)) return []
      return importedHomes(file)
        .filter(to => to !== from && !SHARED.includes(to))
        .map(to => `${path.relative(SRC, file)} -> ${to}`)
    })
    expect(wrong).toEqual([])
  })

  it('keeps util/ and the root modules below every stage', () => {
    const wrong = sources()
      .filter(file => SHARED.includes(home(file)))
      .flatMap(file => importedHomes(file).filter(to => !SHARED.includes(to)))
    expect(wrong).toEqual([])
  })

  it(`has no function longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long = sources()
      .flatMap(functions)
      .filter(f => f.lines > MAX_FUNCTION_LINES)
      .map(f => `${f.where} (${f.lines} lines)`)
    expect(long).toEqual([])
  })
})
