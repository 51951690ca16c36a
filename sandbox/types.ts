// Public types of the kie.ai sandbox: what tests and scripts program against.

/** How the sandbox is started. Every field is optional. */
export interface SandboxOptions {
  /** Bearer key the API accepts (default 'sk-sandbox-0123456789abcdef'). */
  apiKey?: string
  /** Delay before every API answer, in ms (default 0). */
  apiLatencyMs?: number
  /** Delay before the file host's status line (time to first byte), in ms (default 0). */
  fileLatencyMs?: number
  /**
   * Bytes per second of each file host answer's body (default: unshaped), as a link of that speed
   * per connection: a body of n bytes takes at least n / bytesPerSecond after its status line.
   */
  bytesPerSecond?: number
  /**
   * kie.ai's rate limit as a token bucket in front of the API (download-url and task lookups):
   * `ratePerSecond` tokens a second, at most `burst`, full at start; a call arriving without a
   * token is answered code 429 "Rate limit exceeded" with no Retry-After (in the body of an HTTP
   * 200 with errorStyle 'body', kie.ai's way). Injected faults still win. Default: no limit.
   */
  rateLimit?: { ratePerSecond: number; burst: number }
  /** X-Amz-Expires of the signed URLs the API hands out (default 1200, kie.ai's 20 minutes). */
  signedUrlTtlSeconds?: number
  /**
   * How errors are answered by default: 'body' is kie.ai's usual HTTP 200 with the error in the
   * body's code; 'http' uses the code as the real HTTP status, with the same JSON envelope.
   */
  errorStyle?: 'body' | 'http'
  /** Serve both API and file host over https, e.g. with a certificate from a test CA. */
  tls?: { key: string | Buffer; cert: string | Buffer }
  /** 'separate' (default) gives the file host its own port, as kie.ai's API and R2 are apart. */
  fileHost?: 'same' | 'separate'
  /**
   * Host names for the URLs the sandbox hands out, in place of 127.0.0.1, e.g.
   * `{ api: 'api.kie.test', file: 'files.kie.test' }` (`file` is ignored with fileHost 'same'):
   * a client then sees remote hosts, which a proxy is never skipped for as loopback is. The
   * servers still listen on 127.0.0.1 only and nothing resolves the names, so a client reaches
   * them through a TunnelProxy (which sends every tunnel there) or a lookup of its own; over TLS
   * the certificate must name them (the test CA's covers *.kie.test).
   */
  hostNames?: { api: string; file: string }
  /**
   * Keep the content of registered files in memory, up to this many bytes in all (default 0: every
   * answer generates its bytes, which costs CPU). The benchmark sets it, so serving a file costs
   * the machine next to nothing and the client under test has the CPU to itself.
   */
  contentCacheBytes?: number
  /** Clock in ms, for expiry tests (default Date.now). */
  now?: () => number
  /** Port of the API on 127.0.0.1 (default 0: an ephemeral port). */
  port?: number
  /** Port of the separate file host on 127.0.0.1 (default 0: an ephemeral port). */
  filePort?: number
}

/** A file the sandbox pretends kie.ai generated. */
export interface RegisterOptions {
  /** The generated kie.ai URL the client will send; only a key, never fetched. */
  url: string
  /** Size in bytes; content is generated on the fly, so 1 GiB costs no memory. */
  size: number
  /** Content-Type the file host sends; default from the URL's extension, else octet-stream. */
  contentType?: string
  /** When set, the 4o endpoint requires this taskId with this url (else 422 'record is null'). */
  taskId?: string
  /** Content seed (default: the url). */
  seed?: string
  /**
   * A file kie.ai has deleted while its links still get signed: the file host answers every
   * validly signed request for it with this status (404 NoSuchKey, 403 AccessDenied, 410 Gone).
   */
  gone?: 403 | 404 | 410
  /**
   * The ETag the file host sends: 'strong' (default: the content's MD5, as R2 gives single-part
   * objects), 'weak' (`W/"<md5>"`), 'none' (Last-Modified only), or 'wholeOnly' (strong on an
   * answer with the whole object, none on a 206, and If-Range ignored: a CDN that strips
   * validators from ranged answers).
   */
  etag?: EtagStyle
  /**
   * Versions of the content (default 1). With more, every GET of the object answers the next
   * version in turn, as an object replaced between requests: a client that joins the bytes of two
   * answers gets a file that is neither. Each version has its own strong ETag.
   */
  versions?: number
}

export type EtagStyle = 'strong' | 'weak' | 'none' | 'wholeOnly'

/** What the sandbox knows about a registered file, with digests of its exact bytes. */
export interface RegisteredFile {
  url: string
  taskId?: string
  size: number
  contentType: string
  /** Hex sha256 of the content. */
  sha256: string
  /** ETag header value as sent, quoted: the content's MD5, as S3/R2 give single-part objects. */
  etag: string
  /** Path of the object on the file host, without a leading slash: v/<hash>/<name>. */
  objectPath: string
  /** Set for a file that is gone: the status the file host answers for it. */
  gone?: 403 | 404 | 410
  /** Every version's digest and strong ETag, in the order GETs take them (the first is sha256, etag). */
  versions: Array<{ sha256: string; etag: string }>
}

export type FaultTarget = 'api' | 'file'

/**
 * One misbehaviour. A fault hits the next call that matches its rule; the ones marked api only
 * are refused for the file host by inject().
 */
export type Fault =
  /** api only: a kie envelope {code, msg, data: null}, HTTP httpStatus or per errorStyle. */
  | { kind: 'code'; code: number; msg?: string; httpStatus?: number; retryAfter?: string }
  /** A raw HTTP status and body (default text/plain), e.g. 403 'error code: 1010' or 503. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; contentType?: string }
  /** Destroy the socket (TCP RST where possible) before any answer. */
  | { kind: 'reset' }
  /** Full headers incl. Content-Length, then stop after afterBytes body bytes: RST or clean FIN. */
  | { kind: 'cut'; afterBytes: number; mode: 'reset' | 'close' }
  /**
   * Go silent for ms (default: until the client goes away or close()), then answer normally:
   * before the status line, or after afterBytes body bytes when given. releaseStalls() ends
   * every stall under way at once.
   */
  | { kind: 'stall'; afterBytes?: number; ms?: number }
  /** api only: hand out a signed URL whose X-Amz-Date is already past its X-Amz-Expires. */
  | { kind: 'expired' }
  /** api only: hand out a signed URL with a well-formed but wrong X-Amz-Signature. */
  | { kind: 'badSignature' }
  /** Answer 302 (or status) with this Location. */
  | { kind: 'redirect'; location: string; status?: number }
  /** api only: answer code 200 with exactly this data string. */
  | { kind: 'signedUrl'; data: string }
  /**
   * file only: answer a request for the whole object with its first `bytes` (default half), with
   * `Content-Range: bytes 0-(bytes-1)/size`, as a 206 (default) or a 200.
   */
  | { kind: 'partial'; bytes?: number; status?: 200 | 206 }
  /** Send the body at this many bytes per second (e.g. 1: a trickle no idle timer notices). */
  | { kind: 'trickle'; bytesPerSecond: number }
  /**
   * Answer 200 with no Content-Length, then `bytes` spaces every `everyMs`, never ending: a body
   * that flows fast enough for any rate rule and is never complete (spaces before a JSON value are
   * still JSON, so nothing but time tells it from a slow answer).
   */
  | { kind: 'drip'; bytes: number; everyMs: number }
  /**
   * file only: send the body encoded, with that Content-Encoding ('deflate-raw' is sent as
   * "deflate" without the zlib wrapper, as some hosts do); Content-Length is of the encoded bytes
   * for objects up to 16 MiB, absent (chunked) above.
   */
  | { kind: 'encode'; encoding: 'gzip' | 'deflate' | 'deflate-raw' | 'br' }
  /** file only: send the body without Content-Length (chunked). */
  | { kind: 'chunked' }
  /** file only: ignore a Range header and answer 200 with the whole object, as some hosts do. */
  | { kind: 'ignoreRange' }
  /**
   * file only: send afterBytes body bytes, then hold until a request with a Range header for the
   * same object has been answered and closed (`closes` of them, default 1; or the client goes
   * away), then go on. Makes "a ranged request came while the main stream was running" certain
   * without timing.
   */
  | { kind: 'awaitRange'; afterBytes: number; closes?: number }
  /**
   * file only: send the body as it is under `Content-Encoding: encoding`: a body that does not
   * decode ('gzip'), or a coding no client knows ('zstd').
   */
  | { kind: 'mislabel'; encoding: string }
  /**
   * file only: hold the answer before its status line until the file host has sent a whole 200
   * answer to a GET for each of these (kie.ai) urls, at any time since the sandbox started (or
   * until the client goes away), then answer normally. Makes "this file finishes after those"
   * certain without timing.
   */
  | { kind: 'awaitServed'; urls: string[] }

export interface FaultRule {
  target: FaultTarget
  fault: Fault
  /**
   * Original (kie.ai) url the rule applies to: the body's url for the API, the url the object
   * belongs to for the file host, the taskId for a task lookup. Every call of the target when omitted.
   */
  url?: string
  /** How many matching calls it hits (default 1; Infinity for a permanent fault). */
  times?: number
}

/** One request as either server saw it. */
export interface LoggedRequest {
  target: FaultTarget
  method: string
  /** Path without the query. */
  path: string
  query: Record<string, string>
  headers: Record<string, string | string[] | undefined>
  /** Parsed JSON body of an API call (the raw text when it was not JSON). */
  body?: unknown
  /** Original url the call was about: the body's url, or the url a file object belongs to. */
  url?: string
  /** The taskId a task lookup asked for (also in query.taskId). */
  taskId?: string
  /** HTTP status answered; unset while unanswered, or when the socket was reset or stalled. */
  status?: number
  /** The connection closed before the answer was complete: the client went away, or a fault cut it. */
  closedEarly?: boolean
  /** Kind of the injected fault that hit this call. */
  fault?: Fault['kind']
  /** Set when the rate limit (SandboxOptions.rateLimit) answered this call with code 429. */
  rateLimited?: true
  /** Arrival time, by the sandbox clock. */
  at: number
}

/** The task families the sandbox serves, as the action's `task-type` names them. */
export type TaskFamily =
  | 'market'
  | '4o-image'
  | 'flux-kontext'
  | 'veo'
  | 'runway'
  | 'aleph'
  | 'luma'
  | 'midjourney'
  | 'suno'
  | 'suno-wav'
  | 'suno-stems'
  | 'suno-mp4'
  | 'suno-cover'

/** A result file of a task: registered like any file, 4o results under the task's taskId. */
export type TaskFile = Omit<RegisterOptions, 'taskId'>

/** A generation task the sandbox pretends kie.ai is running. */
export interface RegisterTaskOptions {
  type: TaskFamily
  taskId: string
  /** Looks answered 404 "Task Not Found" first, as right after creation (default 0). */
  notFoundLooks?: number
  /** Looks answered 422 "record is null" next, as right after creation (default 0). */
  nullLooks?: number
  /** Looks answered "still running" after those (default 0), with the family's running states. */
  pendingLooks?: number
  /**
   * How it ends (default 'success'): 'fail' with kie.ai's failure fields (Aleph: successFlag 0
   * with an errorMessage); 'text' succeeds with no file (Market: a resultObject, no resultUrls).
   */
  outcome?: 'success' | 'fail' | 'text'
  /** The main results, in order. */
  files?: TaskFile[]
  /** The extras (thumbnails, covers, origin and watermarked copies). */
  extras?: TaskFile[]
  /**
   * 'doc' (default): the documented answer. 'alt': the form where sources disagree: `message`
   * and resultJson as an object (market), result_urls (4o), resultInfoJson as a string
   * (midjourney), successFlag 4 (luma), CALLBACK_EXCEPTION and SENSITIVE_WORD_ERROR (suno),
   * `status` for `successFlag` (suno-wav/stems/mp4), numeric failCode, successFlag 3.
   */
  spelling?: 'doc' | 'alt'
  /** kie.ai's failure reason for 'fail' (default: a content-policy message). */
  failMsg?: string
  /**
   * Once the pending looks are over, every look answers this code instead of the outcome, with
   * kie.ai's message: 408 (no result for 10 minutes), 501 (generation failed), 433 (sub-key
   * limit). In the body of an HTTP 200, or as the HTTP status with errorStyle 'http'.
   */
  answerCode?: 408 | 433 | 501
  /**
   * market only: the shape of the result (default 'urls', `resultUrls`). 'suno': Suno through
   * Market, tracks at `data[]` (`audio_url`, `stream_audio_url`, `image_url`; camelCase in the
   * 'alt' spelling), extras as [cover, stream] per track, and lyrics (`resultObject.lyricsData`)
   * for outcome 'text'; 'frames': Seedance 2's `firstFrameUrl`/`lastFrameUrl` (the first two
   * extras); 'masks': OmniHuman's `resultObject.mask_urls` (the files), no `resultUrls`.
   */
  marketResult?: 'urls' | 'suno' | 'frames' | 'masks'
}

/** What registerTask set up: the endpoint to ask and the files it will list. */
export interface RegisteredTask {
  type: TaskFamily
  taskId: string
  /** Path of the family's task-details endpoint. */
  path: string
  files: RegisteredFile[]
  extras: RegisteredFile[]
}
