// A signed URL for a sandbox file, asked of the sandbox's download-url API as the action asks it.
import { COMMON_PATH, type Sandbox } from '../../sandbox/index.ts'
import { type Http, readText } from '../../src/util/http.js'

export async function signedUrl(sandbox: Sandbox, http: Http, url: string): Promise<string> {
  const message = await http.request({
    method: 'POST',
    url: sandbox.baseUrl + COMMON_PATH,
    what: 'sandbox',
    headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url })
  })
  const text = await readText(message, { what: 'sandbox', maxBytes: 65536, timeoutMs: 5000 })
  return (JSON.parse(text) as { data: string }).data
}
