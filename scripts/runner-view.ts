// What a person sees on GitHub's page: the step log with masks applied and runner commands hidden, a summary as text.
import { marked, type Token, type Tokens } from 'marked'

/** A command's value as the runner reads it (the toolkit escapes %, CR and LF). */
function unescapeData(value: string): string {
  return value.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

const ANNOTATIONS: Record<string, string> = {
  error: 'Error',
  warning: 'Warning',
  notice: 'Notice'
}

/**
 * The step log as the page shows it: each `::add-mask::` value becomes `***` in every later line,
 * `::debug::` lines are hidden (as without debug logging), groups are shown as a folded title with
 * their lines indented under it, annotations as "Error: …" / "Warning: …", other commands hidden.
 */
export function runnerView(printed: string): string {
  const secrets: string[] = []
  const mask = (line: string): string => {
    let out = line
    for (const secret of secrets) out = out.split(secret).join('***')
    return out
  }
  const shown: string[] = []
  let indent = ''
  for (const raw of printed.split('\n')) {
    const line = raw.replace(/\r$/, '')
    const command = /^\s*::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
    if (!command) {
      shown.push(indent + mask(line))
      continue
    }
    const [, name, value] = command
    if (name === 'add-mask') {
      const secret = unescapeData(value)
      if (secret && !secrets.includes(secret)) {
        secrets.push(secret)
        // Longest first: a whole URL is masked before a part of it could leave the rest readable.
        secrets.sort((a, b) => b.length - a.length)
      }
    } else if (name === 'group') {
      shown.push(`▶ ${mask(unescapeData(value))}`)
      indent = '  │ '
    } else if (name === 'endgroup') {
      indent = ''
    } else if (name in ANNOTATIONS) {
      const text = mask(unescapeData(value)).split('\n')
      shown.push(`${indent}${ANNOTATIONS[name]}: ${text[0]}`, ...text.slice(1).map(l => indent + l))
    }
    // debug, set-output, save-state, echo...: not shown on the page.
  }
  return shown.join('\n')
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' '
}

/** HTML as plain text: tags dropped, entities decoded. */
function htmlText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/(?:h\d|p|div)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, code: string) => {
      if (code.startsWith('#x') || code.startsWith('#X'))
        return String.fromCodePoint(parseInt(code.slice(2), 16))
      if (code.startsWith('#')) return String.fromCodePoint(Number(code.slice(1)))
      return ENTITIES[code.toLowerCase()] ?? whole
    })
    .replace(/\u00a0/g, ' ')
    .replace(/\u2060/g, '')
}

function inlineText(markdown: string): string {
  return htmlText(marked.parseInline(markdown, { async: false }))
}

/** Columns padded to their widest cell. */
function grid(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => [...(r[i] ?? '')].length)))
  const line = (r: string[]): string =>
    r
      .map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length))
      .join('  ')
      .trimEnd()
  return [line(rows[0]), widths.map(w => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)]
}

/** core.summary's HTML tables (the summary before it was Markdown) as rows of cells. */
function htmlTableRows(html: string): string[][] {
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(tr =>
    [...tr[1].matchAll(/<t[hd][^>]*>([\s\S]*?)(?=<t[hd]|$)/g)].map(td => htmlText(td[1]).trim())
  )
}

/** The job summary as text, as the rendered page reads (GitHub-flavoured Markdown, or older HTML). */
export function summaryText(summary: string): string {
  const out: string[] = []
  const walk = (tokens: Token[]): void => {
    for (const token of tokens) {
      switch (token.type) {
        case 'heading': {
          const text = inlineText((token as Tokens.Heading).text)
          out.push(text, '═'.repeat([...text].length))
          break
        }
        case 'paragraph':
          out.push(inlineText((token as Tokens.Paragraph).text), '')
          break
        case 'blockquote': {
          const inner = summaryText((token as Tokens.Blockquote).text).trimEnd()
          out.push(...inner.split('\n').map(l => `│ ${l}`), '')
          break
        }
        case 'table': {
          const t = token as Tokens.Table
          const rows = [
            t.header.map(c => inlineText(c.text)),
            ...t.rows.map(r => r.map(c => inlineText(c.text)))
          ]
          out.push(...grid(rows), '')
          break
        }
        case 'html':
          for (const part of (token as Tokens.HTML).text.split(/(<table>[\s\S]*?<\/table>)/)) {
            const rows = part.startsWith('<table>') ? htmlTableRows(part) : []
            if (rows.length) out.push(...grid(rows), '')
            else if (htmlText(part).trim()) out.push(htmlText(part).trim(), '')
          }
          break
        case 'list':
          for (const item of (token as Tokens.List).items) out.push(`• ${inlineText(item.text)}`)
          out.push('')
          break
        case 'space':
          break
        default:
          if ('text' in token && typeof token.text === 'string') out.push(inlineText(token.text))
      }
    }
  }
  walk(marked.lexer(summary))
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  )
}
