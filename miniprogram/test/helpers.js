/**
 * Test edge: a fake WeChat runtime where only the outside world is mocked — wx.request
 * answers from a route table, storage is a Map, navigation and dialogs are recorded.
 * The services, the request wrapper and the pages run as they are.
 */

const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.join(__dirname, '..')

/** JSON fixtures captured from the real API (see test/fixtures/README.md). */
function fixture(name) {
  return JSON.parse(JSON.stringify(require(`./fixtures/${name}.json`)))
}

/**
 * Install the fake runtime. `routes` maps 'METHOD /path' (path after /api/v1, without the
 * query) to an answer: a body (200), `{ status, body }`, `{ offline: true }`, or a function
 * of the call returning one of those.
 */
function installWx(routes = {}, { member = null, token = 'test-token', server = null } = {}) {
  const storage = new Map()
  const calls = []
  // The phone's files (wx.getFileSystemManager): path → text.
  const files = new Map()
  let downloads = 0
  if (token) storage.set('lb_token', token)
  if (member) storage.set('lb_member', member)

  const answer = (spec, call) => {
    const a = typeof spec === 'function' ? spec(call) : spec
    if (a && ((typeof a.status === 'number' && 'body' in a) || a.offline)) return a
    return { status: 200, body: a }
  }

  const record = (method, opts) => {
    const [pathPart, queryPart] = opts.url.replace(/^https?:\/\/[^/]+\/api\/v1/, '').split('?')
    const query = {}
    ;(queryPart || '').split('&').filter(Boolean).forEach((kv) => {
      const [k, v] = kv.split('=')
      query[decodeURIComponent(k)] = decodeURIComponent(v)
    })
    const call = { method, path: pathPart, query, data: opts.data, header: opts.header }
    calls.push(call)
    return call
  }
  const routed = (call) => {
    const spec = routes[`${call.method} ${call.path}`]
    return spec === undefined
      ? { status: 404, body: { code: 404, status: 'Not Found', message: '找不到这条记录，或者您无权查看' } }
      : answer(spec, call)
  }
  const fs = {
    writeFileSync: jest.fn((p, data) => files.set(p, String(data))),
    readFileSync: jest.fn((p) => {
      if (!files.has(p)) throw new Error(`readFileSync:fail no such file ${p}`)
      return files.get(p)
    }),
    writeFile: jest.fn((o) => {
      files.set(o.filePath, String(o.data))
      if (o.success) o.success({})
    }),
    readFile: jest.fn((o) => (files.has(o.filePath) ? o.success({ data: files.get(o.filePath) }) : o.fail && o.fail({ errMsg: 'readFile:fail no such file' }))),
  }

  Object.assign(wx, {
    env: { USER_DATA_PATH: 'wxfile://usr' },
    getFileSystemManager: jest.fn(() => fs),
    // A download answers from the same route table (GET); its body becomes a temporary file.
    downloadFile: jest.fn((opts) => {
      const call = record('GET', opts)
      const done = (a) => {
        if (a.offline) {
          opts.fail({ errMsg: 'downloadFile:fail' })
          return
        }
        downloads += 1
        const tempFilePath = `wxfile://tmp/download-${downloads}`
        files.set(tempFilePath, typeof a.body === 'string' ? a.body : JSON.stringify(a.body))
        opts.success({ statusCode: a.status, tempFilePath })
      }
      if (server) return httpDownload(server, opts, done)
      const a = routed(call)
      setTimeout(() => done(a), 0)
      return { abort() {} }
    }),
    openDocument: jest.fn((o) => o.success && o.success({})),
    shareFileMessage: jest.fn((o) => o.success && o.success({})),
    getStorageSync: jest.fn((k) => (storage.has(k) ? storage.get(k) : '')),
    setStorageSync: jest.fn((k, v) => storage.set(k, v)),
    removeStorageSync: jest.fn((k) => storage.delete(k)),
    getAccountInfoSync: jest.fn(() => ({ miniProgram: { envVersion: 'develop' } })),
    request: jest.fn((opts) => {
      const call = record(opts.method, opts)
      if (server) return httpRequest(server, opts)
      const a = routed(call)
      setTimeout(() => {
        if (a.offline) opts.fail({ errMsg: a.timeout ? 'request:fail timeout' : 'request:fail' })
        else opts.success({ statusCode: a.status, data: a.body, header: {} })
      }, 0)
      return { abort() {} }
    }),
    showModal: jest.fn((o) => o && o.success && o.success({ confirm: true, cancel: false })),
    showToast: jest.fn(),
    showLoading: jest.fn(),
    hideLoading: jest.fn(),
    navigateTo: jest.fn(),
    redirectTo: jest.fn(),
    reLaunch: jest.fn(),
    navigateBack: jest.fn(),
    login: jest.fn((o) => o.success({ code: 'wx-code-1' })),
    scanCode: jest.fn(),
    requestSubscribeMessage: jest.fn((o) => o.fail && o.fail({ errMsg: 'not configured' })),
    onNeedPrivacyAuthorization: jest.fn(),
    getPrivacySetting: jest.fn((o) => o.success({ needAuthorization: false })),
    openPrivacyContract: jest.fn(),
    setClipboardData: jest.fn(),
    makePhoneCall: jest.fn(),
  })
  return { calls, storage, routes, files }
}

/**
 * The network itself, for the end-to-end suite: the wrapper's URL is sent to the live API at
 * `server` (same path), over real HTTP.
 */
function httpRequest(server, opts) {
  const http = require('http')
  const url = new URL(opts.url.replace(/^https?:\/\/[^/]+/, server))
  const body = opts.method === 'GET' || opts.data === undefined ? null : JSON.stringify(opts.data)
  const req = http.request(url, { method: opts.method, headers: opts.header, timeout: opts.timeout }, (res) => {
    let raw = ''
    res.setEncoding('utf8')
    res.on('data', (chunk) => { raw += chunk })
    res.on('end', () => {
      let data = raw
      try { data = JSON.parse(raw) } catch (_err) { /* not JSON: hand over the text */ }
      opts.success({ statusCode: res.statusCode, data, header: res.headers })
    })
  })
  req.on('timeout', () => req.destroy(new Error('timeout')))
  req.on('error', (err) => opts.fail({ errMsg: `request:fail ${err.message}` }))
  if (body) req.write(body)
  req.end()
  return { abort: () => req.destroy() }
}

/** A download over real HTTP, for the end-to-end suite: the body as text, as the fake files keep it. */
function httpDownload(server, opts, done) {
  const http = require('http')
  const url = new URL(opts.url.replace(/^https?:\/\/[^/]+/, server))
  const req = http.get(url, { headers: opts.header }, (res) => {
    let raw = ''
    res.setEncoding('latin1')
    res.on('data', (chunk) => { raw += chunk })
    res.on('end', () => done({ status: res.statusCode, body: raw }))
  })
  req.on('error', () => done({ offline: true }))
  return { abort: () => req.destroy() }
}

/** Let pending answers (timers and promise chains) run. */
async function flush(times = 6) {
  for (let i = 0; i < times; i++) {
    await simulate.sleep(0)
  }
}

// A definition file calls Component() only when it runs, and require runs it once: start from a
// fresh module registry so every load registers its page and all the components it uses.
// `name` is a folder ('events', its index page) or a page file in one ('events/detail').
function load(kind, name) {
  jest.resetModules()
  const file = name.indexOf('/') >= 0 ? path.join(ROOT, kind, name) : path.join(ROOT, kind, name, 'index')
  return simulate.load(file, { rootPath: ROOT })
}

/** Render a component with properties, attached to the document: a shared one by name ('status-tag'),
 * one kept in a subpackage by its path from the root ('pages/qr/components/qr-code'). */
async function renderComponent(name, props) {
  const comp = simulate.render(name.indexOf('/') >= 0 ? load('', name + '/index') : load('components', name), props)
  comp.attach(document.createElement('parent-wrapper'))
  await flush()
  return comp
}

/** Render a page (built with Component()), run onLoad(query) and onShow(), wait for its calls. */
async function renderPage(name, query = {}) {
  const comp = simulate.render(load('pages', name))
  comp.attach(document.createElement('parent-wrapper'))
  const page = comp.instance
  if (page.onLoad) page.onLoad(query)
  comp.triggerPageLifeTime('show')
  if (page.onShow) page.onShow()
  await flush()
  return comp
}

function text(comp) {
  return comp.dom.textContent.replace(/\s+/g, ' ')
}

/** Tap the first element matching a selector (classes as written in WXML, ids with #). */
async function tap(comp, selector, detail) {
  const el = comp.querySelector(selector)
  if (!el) throw new Error(`nothing matches ${selector}`)
  el.dispatchEvent('tap', { detail })
  await flush()
  return el
}

/** The calls that reached the API with this method and path. */
function callsTo(calls, method, p) {
  return calls.filter((c) => c.method === method && c.path === p)
}

/** From now on every dialog is confirmed, and one that asks for text gets `content` typed in. */
function answerDialogs(content) {
  wx.showModal.mockImplementation((o) => o.success({ confirm: true, cancel: false, content }))
}

/** Modals shown, by content. */
function modalTexts() {
  return wx.showModal.mock.calls.map((c) => `${c[0].title || ''}|${c[0].content || ''}`)
}

module.exports = { ROOT, fixture, installWx, flush, renderComponent, renderPage, text, tap, callsTo, answerDialogs, modalTexts, simulate }
