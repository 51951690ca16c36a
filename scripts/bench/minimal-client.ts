// The least a client must do per file, as the benchmark's yardstick: POST for the signed URL, GET, sha256, temp file, rename.
//   BASE=... KEY=... LIST=urls.txt OUT=dir C=16 node scripts/bench/minimal-client.ts
import { createHash } from 'node:crypto'
import { createWriteStream, mkdirSync, readFileSync, renameSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'

const { BASE = '', KEY = '', LIST = '', OUT = '', C = '16' } = process.env
const agent = new http.Agent({ keepAlive: true })
const urls = readFileSync(LIST, 'utf8').split('\n').filter(Boolean)
mkdirSync(OUT, { recursive: true })

function request(url: string, init: http.RequestOptions, body?: string) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(url, { agent, ...init }, resolve)
    req.on('error', reject)
    req.end(body)
  })
}

async function fetchOne(url: string, n: number): Promise<void> {
  const answer = await request(
    `${BASE}/api/v1/common/download-url`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }
    },
    JSON.stringify({ url })
  )
  let text = ''
  for await (const chunk of answer) text += chunk
  const { code, data } = JSON.parse(text) as { code: number; data: string }
  if (code !== 200) throw new Error(`code ${code}`)
  const file = await request(data, { method: 'GET' })
  if (file.statusCode !== 200) throw new Error(`HTTP ${file.statusCode}`)
  const hash = createHash('sha256')
  const temp = path.join(OUT, `.part-${n}`)
  file.on('data', (chunk: Buffer) => hash.update(chunk))
  await pipeline(file, createWriteStream(temp))
  hash.digest('hex')
  renameSync(temp, path.join(OUT, path.basename(url)))
}

let next = 0
let failed = 0
await Promise.all(
  Array.from({ length: Number(C) }, async () => {
    while (next < urls.length) {
      const n = next++
      await fetchOne(urls[n], n).catch(() => failed++)
    }
  })
)
agent.destroy()
process.stdout.write(`${failed}\n`)
