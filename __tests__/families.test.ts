import { describe, expect, it } from '@jest/globals'
import { FAMILY_NAMES, type FamilyName } from '../src/constants.js'
import { FAMILIES, FAMILY_SPECS, type TaskView } from '../src/tasks/families.js'

const T = 'https://tempfile.aiquickdraw.com'
const M = 'https://musicfile.kie.ai'
const INPUT = 'https://example.com/input.jpg'

type Case = [FamilyName, string, unknown, Partial<TaskView>]

// The documented answers (shared/kie-task-api.md), then the forms where sources disagree.
const cases: Case[] = [
  [
    'market',
    'documented success: resultJson as a JSON string, param ignored',
    {
      state: 'success',
      param: JSON.stringify({ input: { image_urls: [INPUT] } }),
      resultJson: JSON.stringify({ resultUrls: [`${T}/h/x.png`] }),
      failCode: '',
      failMsg: ''
    },
    { state: 'success', raw: 'success', main: [`${T}/h/x.png`], extras: [], error: null }
  ],
  [
    'market',
    'resultJson as an object, Sora 2 watermarked copies as extras',
    {
      state: 'success',
      resultJson: { resultUrls: [`${T}/s/a.mp4`], resultWaterMarkUrls: [`${T}/s/a-wm.mp4`] }
    },
    { state: 'success', main: [`${T}/s/a.mp4`], extras: [`${T}/s/a-wm.mp4`] }
  ],
  [
    'market',
    'a text model: resultObject and no resultUrls',
    { state: 'success', resultJson: JSON.stringify({ resultObject: { text: 'hello' } }) },
    { state: 'success', main: [], extras: [] }
  ],
  ['market', 'queuing', { state: 'queuing', resultJson: '' }, { state: 'running', raw: 'queuing' }],
  [
    'market',
    'data.response (resultJson already parsed) is preferred to resultJson',
    {
      state: 'success',
      resultJson: JSON.stringify({ resultUrls: [`${T}/h/old.png`] }),
      response: { resultUrls: [`${T}/h/new.png`] }
    },
    { state: 'success', main: [`${T}/h/new.png`] }
  ],
  [
    'market',
    'a response that lists no file yields to a resultJson that does',
    {
      state: 'success',
      resultJson: JSON.stringify({ resultUrls: [`${T}/h/x.png`] }),
      response: { taskId: 't' }
    },
    { state: 'success', main: [`${T}/h/x.png`] }
  ],
  [
    'market',
    'Suno through Market: tracks at response.data[] in snake_case, cover and stream as extras',
    {
      state: 'success',
      param: JSON.stringify({ uploadUrl: INPUT }),
      response: {
        data: [
          {
            id: 'a',
            audio_url: `${T}/s/a.mp3`,
            stream_audio_url: `${M}/a`,
            image_url: `${M}/a.jpeg`,
            title: 'song',
            duration: 154.68
          },
          { id: 'b', audio_url: `${T}/s/b.mp3`, stream_audio_url: `${M}/b`, image_url: null }
        ]
      }
    },
    {
      state: 'success',
      main: [`${T}/s/a.mp3`, `${T}/s/b.mp3`],
      extras: [`${M}/a.jpeg`, `${M}/a`, `${M}/b`]
    }
  ],
  [
    'market',
    'Suno through Market in camelCase, in resultJson',
    {
      state: 'success',
      resultJson: JSON.stringify({
        data: [{ audioUrl: `${T}/s/c.mp3`, streamAudioUrl: `${M}/c`, imageUrl: `${M}/c.jpeg` }]
      })
    },
    { state: 'success', main: [`${T}/s/c.mp3`], extras: [`${M}/c.jpeg`, `${M}/c`] }
  ],
  [
    'market',
    'Suno utilities (WAV, stems, cover, video) list resultUrls',
    { state: 'success', response: { resultUrls: [`${T}/s/a.wav`] } },
    { state: 'success', main: [`${T}/s/a.wav`], extras: [] }
  ],
  [
    'market',
    'Seedance 2: first and last frames are extras after the watermarked copies',
    {
      state: 'success',
      response: {
        resultUrls: [`${T}/v/a.mp4`],
        resultWaterMarkUrls: [`${T}/v/a-wm.mp4`],
        firstFrameUrl: `${T}/v/first.png`,
        lastFrameUrl: `${T}/v/last.png`
      }
    },
    {
      state: 'success',
      main: [`${T}/v/a.mp4`],
      extras: [`${T}/v/a-wm.mp4`, `${T}/v/first.png`, `${T}/v/last.png`]
    }
  ],
  [
    'market',
    'OmniHuman subject detection: the masks are the files',
    {
      state: 'success',
      response: { resultObject: { mask_urls: [`${T}/m/1.png`, `${T}/m/2.png`] } }
    },
    { state: 'success', main: [`${T}/m/1.png`, `${T}/m/2.png`], noFile: null }
  ],
  [
    'market',
    'Suno lyrics through Market: text, no file, and says so',
    {
      state: 'success',
      response: { resultObject: { lyricsData: [{ text: '[Verse] ...', status: 'complete' }] } }
    },
    {
      state: 'success',
      main: [],
      extras: [],
      noFile: 'its result is lyrics (resultObject), not a file'
    }
  ],
  [
    'market',
    'successFlag alone: 0 running, in words',
    { successFlag: 0 },
    { state: 'running', raw: '0', status: 'in progress' }
  ],
  [
    'market',
    'successFlag 1 with the files',
    { successFlag: 1, response: { resultUrls: [`${T}/h/y.png`] } },
    { state: 'success', main: [`${T}/h/y.png`] }
  ],
  [
    'market',
    'successFlag 3 is a failure',
    { successFlag: 3, failCode: '500', failMsg: 'Upstream error' },
    { state: 'failed', error: 'Upstream error (code 500, successFlag 3)' }
  ],
  [
    'market',
    'documented failure with a string failCode',
    { state: 'fail', resultJson: '', failCode: '422', failMsg: 'Invalid prompt' },
    { state: 'failed', main: [], error: 'Invalid prompt (code 422, state fail)' }
  ],
  [
    'market',
    'failure with a numeric failCode',
    { state: 'fail', failCode: 501, failMsg: 'Upstream error' },
    { error: 'Upstream error (code 501, state fail)' }
  ],
  [
    '4o-image',
    'documented running answer with progress',
    { taskId: 't', response: null, successFlag: 0, status: 'GENERATING', progress: '0.48' },
    { state: 'running', raw: 'GENERATING', progress: '0.48', main: [] }
  ],
  [
    '4o-image',
    'documented success (resultUrls), paramJson ignored',
    {
      paramJson: JSON.stringify({ filesUrl: [INPUT] }),
      response: { resultUrls: [`${T}/v/a.png`, `${T}/v/b.png`] },
      successFlag: 1,
      status: 'SUCCESS',
      errorCode: null,
      errorMessage: ''
    },
    { state: 'success', main: [`${T}/v/a.png`, `${T}/v/b.png`] }
  ],
  [
    '4o-image',
    'the quickstart spelling result_urls, and successFlag alone',
    { response: { result_urls: [`${T}/v/c.png`] }, successFlag: 1 },
    { state: 'success', raw: '1', main: [`${T}/v/c.png`] }
  ],
  [
    '4o-image',
    'documented failure',
    {
      status: 'GENERATE_FAILED',
      response: null,
      successFlag: 2,
      errorCode: 400,
      errorMessage: 'content policy'
    },
    { state: 'failed', error: 'content policy (code 400, status GENERATE_FAILED)' }
  ],
  [
    'flux-kontext',
    'success with the upstream origin image as an extra',
    {
      successFlag: 1,
      response: { resultImageUrl: `${T}/f/a.jpg`, originImageUrl: 'https://bfl.ai/o.jpg' }
    },
    { state: 'success', main: [`${T}/f/a.jpg`], extras: ['https://bfl.ai/o.jpg'] }
  ],
  [
    'flux-kontext',
    'failure 3 with errorCode 0 (no code shown)',
    { successFlag: 3, errorCode: 0, errorMessage: 'generation failed' },
    { state: 'failed', error: 'generation failed (successFlag 3)' }
  ],
  [
    'veo',
    'documented success: origin and full variants are extras',
    {
      response: {
        resultUrls: [`${T}/veo/video1.mp4`],
        originUrls: [`${T}/veo/original1.mp4`],
        fullResultUrls: [`${T}/veo/full1.mp4`],
        resolution: '1080p'
      },
      successFlag: 1,
      errorCode: null,
      errorMessage: ''
    },
    {
      state: 'success',
      main: [`${T}/veo/video1.mp4`],
      extras: [`${T}/veo/original1.mp4`, `${T}/veo/full1.mp4`]
    }
  ],
  ['veo', 'generating', { successFlag: 0, response: null }, { state: 'running', raw: '0' }],
  [
    'runway',
    'documented success: the thumbnail is an extra, generateParam ignored',
    {
      generateParam: { prompt: 'p', imageUrl: INPUT },
      state: 'success',
      videoInfo: { videoId: 'v', videoUrl: `${T}/k/v.mp4`, imageUrl: `${T}/m/t.png` },
      failCode: '',
      failMsg: '',
      expireFlag: 0
    },
    { state: 'success', main: [`${T}/k/v.mp4`], extras: [`${T}/m/t.png`] }
  ],
  ['runway', 'queueing', { state: 'queueing' }, { state: 'running' }],
  [
    'runway',
    'failure',
    { state: 'fail', failCode: 400, failMsg: 'bad image' },
    { state: 'failed', error: 'bad image (code 400, state fail)' }
  ],
  [
    'aleph',
    'successFlag 0 without errorMessage is running',
    { response: null, successFlag: 0 },
    { state: 'running', raw: '0' }
  ],
  [
    'aleph',
    'successFlag 0 with an errorMessage is a failure',
    { response: null, successFlag: 0, errorCode: 400, errorMessage: 'video too long' },
    { state: 'failed', error: 'video too long (code 400, successFlag 0)' }
  ],
  [
    'aleph',
    'success with the image as an extra',
    {
      successFlag: 1,
      errorMessage: '',
      response: { resultVideoUrl: `${T}/a/v.mp4`, resultImageUrl: `${T}/a/i.jpg` }
    },
    { state: 'success', main: [`${T}/a/v.mp4`], extras: [`${T}/a/i.jpg`] }
  ],
  [
    'luma',
    'successFlag 4: callback failed, files exist',
    {
      successFlag: 4,
      response: { resultUrls: [`${T}/l/out.mp4`], originUrls: [`${T}/l/src.mp4`] }
    },
    { state: 'success', raw: '4', main: [`${T}/l/out.mp4`], extras: [`${T}/l/src.mp4`] }
  ],
  ['luma', 'failure 2', { successFlag: 2, errorMessage: 'x' }, { state: 'failed' }],
  [
    'midjourney',
    'documented success: resultInfoJson object of {resultUrl} objects',
    {
      taskType: 'mj_txt2img',
      resultInfoJson: {
        resultUrls: [{ resultUrl: `${T}/v/42ea_0_0.jpeg` }, { resultUrl: `${T}/v/42ea_0_1.jpeg` }]
      },
      successFlag: 1,
      errorCode: null,
      errorMessage: null
    },
    { state: 'success', main: [`${T}/v/42ea_0_0.jpeg`, `${T}/v/42ea_0_1.jpeg`] }
  ],
  [
    'midjourney',
    'resultInfoJson as a JSON string',
    {
      successFlag: '1',
      resultInfoJson: JSON.stringify({ resultUrls: [{ resultUrl: `${T}/v/m.jpeg` }] })
    },
    { state: 'success', main: [`${T}/v/m.jpeg`] }
  ],
  [
    'suno',
    'documented success: two tracks, covers and streams extras, suno.ai copies never',
    {
      param: JSON.stringify({ uploadUrl: INPUT }),
      status: 'SUCCESS',
      response: {
        sunoData: [
          {
            audioUrl: `${T}/r/a.mp3`,
            streamAudioUrl: `${M}/s1`,
            imageUrl: `${M}/c.jpeg`,
            sourceAudioUrl: 'https://cdn1.suno.ai/a.mp3',
            sourceImageUrl: 'https://cdn2.suno.ai/a.jpeg'
          },
          { audioUrl: `${T}/r/b.mp3`, streamAudioUrl: `${M}/s2`, imageUrl: `${M}/c.jpeg` }
        ]
      },
      errorCode: null,
      errorMessage: null
    },
    {
      state: 'success',
      main: [`${T}/r/a.mp3`, `${T}/r/b.mp3`],
      extras: [`${M}/c.jpeg`, `${M}/s1`, `${M}/s2`]
    }
  ],
  [
    'suno',
    'FIRST_SUCCESS is partial: keep polling even with one track ready',
    { status: 'FIRST_SUCCESS', response: { sunoData: [{ audioUrl: `${T}/r/a.mp3` }] } },
    { state: 'running', raw: 'FIRST_SUCCESS' }
  ],
  ['suno', 'TEXT_SUCCESS is partial', { status: 'TEXT_SUCCESS' }, { state: 'running' }],
  [
    'suno',
    'CALLBACK_EXCEPTION with audio is a success',
    { status: 'CALLBACK_EXCEPTION', response: { sunoData: [{ audioUrl: `${T}/r/a.mp3` }] } },
    { state: 'success', main: [`${T}/r/a.mp3`] }
  ],
  [
    'suno',
    'CALLBACK_EXCEPTION without audio is a failure',
    { status: 'CALLBACK_EXCEPTION', response: { sunoData: [{ audioUrl: '' }] } },
    { state: 'failed', error: 'kie.ai gave no reason (status CALLBACK_EXCEPTION)' }
  ],
  [
    'suno',
    'SENSITIVE_WORD_ERROR',
    { status: 'SENSITIVE_WORD_ERROR', errorCode: 413, errorMessage: 'sensitive words' },
    { state: 'failed', error: 'sensitive words (code 413, status SENSITIVE_WORD_ERROR)' }
  ],
  [
    'suno-wav',
    'successFlag as a string',
    { successFlag: 'SUCCESS', response: { audioWavUrl: `${T}/w/a.wav` } },
    { state: 'success', main: [`${T}/w/a.wav`] }
  ],
  [
    'suno-wav',
    'the page that writes status instead of successFlag',
    { status: 'PENDING', response: null },
    { state: 'running', raw: 'PENDING' }
  ],
  [
    'suno-wav',
    'GENERATE_WAV_FAILED',
    { successFlag: 'GENERATE_WAV_FAILED', errorCode: 500, errorMessage: 'wav failed' },
    { state: 'failed', error: 'wav failed (code 500, successFlag GENERATE_WAV_FAILED)' }
  ],
  [
    'suno-stems',
    'every non-null *Url but originUrl; originUrl an extra',
    {
      successFlag: 'SUCCESS',
      response: {
        originUrl: `${T}/st/origin.mp3`,
        vocalUrl: `${T}/st/vocal.mp3`,
        backingVocalsUrl: null,
        instrumentalUrl: `${T}/st/inst.mp3`,
        drumsUrl: `${T}/st/drums.mp3`,
        originData: [{ url: `${T}/st/nope.mp3` }]
      }
    },
    {
      state: 'success',
      main: [`${T}/st/vocal.mp3`, `${T}/st/inst.mp3`, `${T}/st/drums.mp3`],
      extras: [`${T}/st/origin.mp3`]
    }
  ],
  [
    'suno-stems',
    'status spelling and GENERATE_AUDIO_FAILED',
    { status: 'GENERATE_AUDIO_FAILED', errorMessage: 'separation failed' },
    { state: 'failed', error: 'separation failed (status GENERATE_AUDIO_FAILED)' }
  ],
  [
    'suno-mp4',
    'success',
    { successFlag: 'SUCCESS', response: { videoUrl: `${T}/mv/a.mp4` } },
    { state: 'success', main: [`${T}/mv/a.mp4`] }
  ],
  [
    'suno-mp4',
    'CALLBACK_EXCEPTION with the video is a success',
    { successFlag: 'CALLBACK_EXCEPTION', response: { videoUrl: `${T}/mv/b.mp4` } },
    { state: 'success', main: [`${T}/mv/b.mp4`] }
  ],
  [
    'suno-cover',
    'success (errorCode 200 is no failure)',
    { successFlag: 1, errorCode: 200, response: { images: [`${T}/c/1.png`, `${T}/c/2.png`] } },
    { state: 'success', main: [`${T}/c/1.png`, `${T}/c/2.png`], error: null }
  ],
  ['suno-cover', 'generating', { successFlag: 0 }, { state: 'running' }]
]

describe('family adapters', () => {
  it.each(cases)('%s: %s', (family, _title, data, expected) => {
    expect(FAMILIES[family].read(data)).toMatchObject(expected)
  })

  it('has one entry per task-type, each with an /api/v1/ path of its own', () => {
    expect(Object.keys(FAMILY_SPECS).sort()).toEqual([...FAMILY_NAMES].sort())
    const paths = FAMILY_NAMES.map(name => FAMILIES[name].path)
    expect(new Set(paths).size).toBe(paths.length)
    for (const path of paths) expect(path).toMatch(/^\/api\/v1\/[a-z0-9/-]+$/i)
    expect(FAMILIES.runway.path).toBe('/api/v1/runway/record-detail')
  })
})

describe('status in words', () => {
  it.each([
    ['veo', { successFlag: 0 }, 'generating'],
    ['veo', { successFlag: 3, errorMessage: 'x' }, 'generation failed'],
    ['suno', { status: 'TEXT_SUCCESS' }, 'lyrics ready'],
    ['suno', { status: 'FIRST_SUCCESS' }, 'first track ready'],
    ['suno-wav', { successFlag: 'PENDING' }, 'pending'],
    ['4o-image', { status: 'GENERATING', successFlag: 0 }, 'generating'],
    ['4o-image', { successFlag: 0 }, 'generating'],
    ['runway', { state: 'queueing' }, 'queuing'],
    ['aleph', { successFlag: 0 }, 'generating'],
    [
      'luma',
      { successFlag: 4, response: { resultUrls: [`${T}/l.mp4`] } },
      'success, callback failed'
    ],
    ['market', { state: 'waiting' }, 'waiting'],
    ['market', { state: 'paused' }, 'state paused'],
    ['veo', { successFlag: 7 }, 'successFlag 7'],
    ['veo', { response: {} }, 'no status']
  ] as Array<[FamilyName, unknown, string]>)('%s %j reads "%s"', (family, data, words) => {
    expect(FAMILIES[family].read(data).status).toBe(words)
  })

  it('never shows a bare number, whatever the family and value', () => {
    for (const name of FAMILY_NAMES) {
      for (const value of [0, 1, 2, 3, 4, 5, 99, '0', '-1']) {
        const data = { successFlag: value, status: value, state: value }
        expect(FAMILIES[name].read(data).status).not.toMatch(/^-?\d+$/)
      }
    }
  })
})

describe('when the task was created', () => {
  it.each([
    ['epoch ms', 1_698_765_400_000, 1_698_765_400_000],
    ['epoch seconds', 1_698_765_400, 1_698_765_400_000],
    ['a digit string', '1698765400000', 1_698_765_400_000],
    ['an ISO date', '2023-10-31T15:16:40Z', 1_698_765_400_000],
    ['nothing', undefined, null],
    ['junk', 'soon', null],
    ['zero', 0, null]
  ])('reads createTime as %s', (_, createTime, createdAt) => {
    const view = FAMILIES.market.read({ state: 'generating', createTime })
    expect(view.createdAt).toBe(createdAt)
  })
})

describe('reading defensively', () => {
  it('keeps only http(s) strings, dedupes within the task, and keeps main URLs out of extras', () => {
    const view = FAMILIES.veo.read({
      successFlag: 1,
      response: {
        resultUrls: [`${T}/a.mp4`, 'ftp://x/b.mp4', `${T}/a.mp4`, 'javascript:alert(1)', 42, null],
        originUrls: [`${T}/a.mp4`, `${T}/o.mp4`, `${T}/o.mp4`, '/relative.mp4'],
        fullResultUrls: 'not a list'
      }
    })
    expect(view.main).toEqual([`${T}/a.mp4`])
    expect(view.extras).toEqual([`${T}/o.mp4`])
  })

  it('calls an undocumented status unknown and keeps its raw value', () => {
    expect(FAMILIES.market.read({ state: 'paused' })).toMatchObject({
      state: 'unknown',
      raw: 'paused'
    })
    expect(FAMILIES.veo.read({ successFlag: 7 })).toMatchObject({ state: 'unknown', raw: '7' })
    expect(FAMILIES.veo.read({ response: {} })).toMatchObject({
      state: 'unknown',
      raw: '(no status)'
    })
  })

  it('never throws, whatever the shape', () => {
    const shapes: unknown[] = [
      undefined,
      null,
      42,
      'text',
      '{"not": "closed',
      [],
      [{ state: 'success' }],
      { state: { nested: true } },
      { successFlag: 1, response: 'not json' },
      { successFlag: 1, response: '{"resultUrls": "https://x.test/a.png"}' },
      { status: 'SUCCESS', response: { sunoData: 'oops' } },
      { status: 'SUCCESS', response: { sunoData: [null, 1, 'a'] } },
      { successFlag: 1, resultInfoJson: { resultUrls: [null, 5, {}] } },
      Object.create(null) as unknown
    ]
    for (const name of FAMILY_NAMES) {
      for (const shape of shapes) {
        const view = FAMILIES[name].read(shape)
        expect(Array.isArray(view.main) && Array.isArray(view.extras)).toBe(true)
      }
    }
  })

  it('flattens and caps untrusted failure text', () => {
    const view = FAMILIES.market.read({
      state: 'fail',
      failCode: 'E1',
      failMsg: `line one\n::error::injected ${'x'.repeat(400)}`
    })
    expect(view.error).not.toContain('\n')
    expect(view.error?.length).toBeLessThan(360)
    expect(view.error).toMatch(/^line one :\S*error/)
  })
})
