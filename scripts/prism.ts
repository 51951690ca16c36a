// Starts Stoplight Prism as a validating proxy in front of an upstream, for contract tests.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

const ROOT = path.join(import.meta.dirname, '..')
export const PRISM_BIN = path.join(ROOT, 'node_modules', '.bin', 'prism')
export const KIE_SPEC = path.join(ROOT, 'sandbox', 'kie-openapi.yaml')

/** One answer Prism made up itself (application/problem+json) instead of passing the upstream's on. */
export interface PrismRefusal {
  method: string
  path: string
  /** The request body as the client sent it. */
  sent: string
  status: number
  /** Prism's problem title, then each violation as `location: message`. */
  problem: string
}

export interface PrismProxy {
  /** Base URL for clients, e.g. the action's base-url: a recording pass-through to Prism. */
  url: string
  /** Prism's own address, without the recorder. */
  prismUrl: string
  /** Everything Prism printed so far, stdout and stderr, without colour codes. */
  log: () => string
  /**
   * Resolves once the log matches `pattern`. Prism prints about a request after it has answered
   * it, so an answer alone does not mean that its lines are in the log yet.
   */
  logged: (pattern: RegExp, timeoutMs?: number) => Promise<void>
  /**
   * Every refusal so far, with what was sent and why: Prism logs only "Invalid request" even at
   * -v debug, and puts the violated rules in the answer alone.
   */
  refusals: () => PrismRefusal[]
  close: () => Promise<void>
}

const LISTENING = /Prism is listening on (http:\/\/\S+)/
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

/**
 * `prism proxy <spec> <upstream> --errors` on 127.0.0.1 with a port of Prism's choosing (port 0,
 * read back from its "listening" line), so parallel runs never collide. With --errors a request
 * or response that breaks the spec is answered with an application/problem+json error instead of
 * being passed on.
 */
export async function startPrismProxy(
  upstream: string,
  options: { spec?: string; timeoutMs?: number } = {}
): Promise<PrismProxy> {
  if (!existsSync(PRISM_BIN)) {
    throw new Error(`${PRISM_BIN} is missing: run npm ci (@stoplight/prism-cli is a devDependency)`)
  }
  const args = ['proxy', options.spec ?? KIE_SPEC, upstream, '--errors']
  // The bin is a node script whose shebang would find the system node; run it on this node instead.
  const child = spawn(
    process.execPath,
    [PRISM_BIN, ...args, '--port', '0', '--host', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } }
  )
  let log = ''
  /** Callers of logged() still waiting, each told on every chunk until its pattern matches. */
  const watchers = new Set<() => void>()
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const prismUrl = await new Promise<string>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 30_000
    const timer = setTimeout(
      () => fail(`did not start listening within ${timeoutMs} ms`),
      timeoutMs
    )
    let settled = false
    const onData = (d: Buffer): void => {
      log += d.toString().replace(ANSI, '')
      for (const check of watchers) check()
      const m = LISTENING.exec(log)
      if (m && !settled) {
        settled = true
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    function fail(why: string): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`prism ${args.join(' ')} ${why}:\n${log}`))
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('error', error => fail(error.message))
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before listening`))
  })
  const stopPrism = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(hard)
  }

  const refusals: PrismRefusal[] = []
  let recorder: http.Server
  try {
    recorder = await startRecorder(prismUrl, refusals)
  } catch (error) {
    await stopPrism()
    throw error
  }
  return {
    url: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`,
    prismUrl,
    log: () => log,
    logged: (pattern, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(log)) return
          watchers.delete(check)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(() => {
          watchers.delete(check)
          reject(new Error(`Prism logged nothing matching ${pattern} within ${timeoutMs} ms`))
        }, timeoutMs)
        watchers.add(check)
        check()
      }),
    refusals: () => [...refusals],
    close: async () => {
      recorder.closeAllConnections()
      await new Promise(resolve => recorder.close(resolve))
      await stopPrism()
    }
  }
}

/** A pass-through to Prism that keeps each problem+json answer with the request that caused it. */
async function startRecorder(prismUrl: string, refusals: PrismRefusal[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const sent: Buffer[] = []
    req.on('data', (d: Buffer) => sent.push(d))
    req.on('end', () => {
      const forward = http.request(
        prismUrl + req.url,
        { method: req.method, headers: req.headers },
        answer => {
          const got: Buffer[] = []
          answer.on('data', (d: Buffer) => got.push(d))
          answer.on('end', () => {
            const body = Buffer.concat(got)
            if (String(answer.headers['content-type']).startsWith('application/problem+json')) {
              refusals.push({
                method: req.method ?? '',
                path: req.url ?? '',
                sent: Buffer.concat(sent).toString(),
                status: answer.statusCode ?? 0,
                problem: describeProblem(body.toString())
              })
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            res.end(body)
          })
          answer.on('error', () => res.destroy())
        }
      )
      forward.on('error', () => res.destroy())
      forward.end(Buffer.concat(sent))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return server
}

function describeProblem(text: string): string {
  try {
    const problem = JSON.parse(text) as {
      title?: string
      validation?: Array<{ location?: string[]; message?: string }>
    }
    const rules = (problem.validation ?? []).map(v => `${v.location?.join('.')}: ${v.message}`)
    return [problem.title, ...rules].join('; ')
  } catch {
    return text
  }
}
