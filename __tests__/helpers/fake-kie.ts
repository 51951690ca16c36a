// A tiny loopback kie.ai for pipeline tests: Market task details, download-url, and a file host, all scripted.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeTask {
  /** Looks answered "generating" before the task succeeds. */
  looks: number
  main: string[]
  extras?: string[]
  seen?: number
}

export class FakeKie {
  base = ''
  readonly tasks = new Map<string, FakeTask>()
  /** `lookup <taskId>` and `resolve <url>`, in arrival order. */
  readonly calls: string[] = []
  /** download-url answers this kie.ai code for these URLs. */
  readonly refuse = new Map<string, number>()
  private readonly server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => this.answer(req, res, body))
  })

  async start(): Promise<void> {
    await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise(resolve => this.server.close(resolve))
  }

  reset(): void {
    this.tasks.clear()
    this.calls.length = 0
    this.refuse.clear()
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const u = new URL(req.url ?? '/', this.base)
    res.setHeader('content-type', 'application/json')
    if (u.pathname === '/api/v1/jobs/recordInfo') {
      const id = u.searchParams.get('taskId') ?? ''
      this.calls.push(`lookup ${id}`)
      const t = this.tasks.get(id)
      if (!t) return void res.end(JSON.stringify({ code: 422, msg: 'record is null' }))
      t.seen = (t.seen ?? 0) + 1
      const done = t.seen > t.looks
      const resultJson = JSON.stringify({ resultUrls: t.main, resultWaterMarkUrls: t.extras ?? [] })
      const data = done
        ? { taskId: id, state: 'success', resultJson }
        : { taskId: id, state: 'generating' }
      return void res.end(JSON.stringify({ code: 200, msg: 'success', data }))
    }
    if (u.pathname.startsWith('/api/')) {
      const url = (JSON.parse(body) as { url: string }).url
      this.calls.push(`resolve ${url}`)
      const code = this.refuse.get(url)
      if (code) return void res.end(JSON.stringify({ code, msg: 'refused', data: null }))
      const signed = `${this.base}/f${new URL(url).pathname}?X-Amz-Signature=sig${Math.random().toString(36).slice(2, 12)}`
      return void res.end(JSON.stringify({ code: 200, msg: 'success', data: signed }))
    }
    const object = u.pathname.slice(2)
    res.setHeader('content-type', object.endsWith('.mp3') ? 'audio/mpeg' : 'image/png')
    res.end(`content of ${object}`)
  }
}
