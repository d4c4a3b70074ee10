/**
 * The one way to call the API: base URL, token, one silent re-login on 401, and every
 * failure shown to the person in Chinese (the server's `message` as is).
 */

const config = require('../config/index')
const session = require('./session')

const OFFLINE_MESSAGE = '网络没有连上，请检查网络后再试'
const TIMEOUT_MESSAGE = '网络有点慢，请稍后再试'
const FALLBACK_MESSAGE = '出了点问题，请稍后再试'
const LOGIN_PAGE = '/pages/login/index'

/** An API or network failure. `offline` is true when the server was never reached. */
class ApiError extends Error {
  constructor({ status = 0, code = 0, message = FALLBACK_MESSAGE, errors = null, offline = false }) {
    super(message)
    this.status = status
    this.code = code
    this.errors = errors
    this.offline = offline
  }

  /** Field → first reason, from a 422 body's `errors.json`. */
  fieldErrors() {
    const json = (this.errors && this.errors.json) || {}
    const out = {}
    Object.keys(json).forEach((k) => {
      const v = json[k]
      out[k] = Array.isArray(v) ? String(v[0]) : typeof v === 'object' ? '请检查这一项' : String(v)
    })
    return out
  }
}

function headerFor(withToken, extra) {
  const header = Object.assign({}, extra)
  const token = session.token()
  if (withToken && token) header.Authorization = `Bearer ${token}`
  return header
}

/** A refusal from the server: its status and its `{code, message, errors}` body. */
function refused(status, body) {
  const b = body && typeof body === 'object' ? body : {}
  return new ApiError({ status, code: b.code || status, message: b.message || FALLBACK_MESSAGE, errors: b.errors || null })
}

/** The server was never reached (or did not answer in time). */
function unreachable(err) {
  const timeout = /timeout|超时/i.test((err && err.errMsg) || '')
  return new ApiError({ offline: true, message: timeout ? TIMEOUT_MESSAGE : OFFLINE_MESSAGE })
}

const ok = (statusCode) => statusCode >= 200 && statusCode < 300

function send({ method, path, data, withToken, headers }) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.current().baseUrl}/api/v1${path}`,
      method,
      data,
      header: headerFor(withToken, Object.assign({ 'Content-Type': 'application/json' }, headers)),
      timeout: config.REQUEST_TIMEOUT_MS,
      success: (res) => (ok(res.statusCode) ? resolve(res.data) : reject(refused(res.statusCode, res.data))),
      fail: (err) => reject(unreachable(err)),
    })
  })
}

/** Log in again without asking: the dev login in development, otherwise wx.login → /auth/wechat. */
function relogin() {
  // Required here, not at the top: services/auth uses this module too.
  const auth = require('../services/auth')
  return auth.silentLogin()
}

function showError(err) {
  wx.showModal({ title: '提示', content: err.message, showCancel: false, confirmText: '知道了' })
}

function goLogin() {
  session.clear()
  wx.reLaunch({ url: LOGIN_PAGE })
}

/**
 * Run one call with the session's rules: one silent re-login on 401 and the call again, then the
 * login page; any other failure shown to the person unless `quiet`.
 */
function withSession(call, { auth = true, quiet = false } = {}) {
  return call()
    .catch((err) => {
      if (!(auth && err.status === 401)) throw err
      return relogin().then(call, () => {
        throw err
      })
    })
    .catch((err) => {
      if (auth && err.status === 401) {
        goLogin()
      } else if (!quiet) {
        showError(err)
      }
      throw err
    })
}

/**
 * request({method, path, data}) → Promise of the answer body.
 * Options: `auth: false` for public calls; `quiet: true` when the page shows the error itself;
 * `headers` for extra headers (an Idempotency-Key, sent again unchanged when the call is repeated).
 */
function request({ method = 'GET', path, data, auth = true, quiet = false, headers = null }) {
  return withSession(() => send({ method, path, data, withToken: auth, headers }), { auth, quiet })
}

/** The server's refusal inside a downloaded file (its JSON error body), or null. */
function refusalIn(filePath) {
  try {
    return JSON.parse(wx.getFileSystemManager().readFileSync(filePath, 'utf8'))
  } catch (_err) {
    return null
  }
}

function fetchFile({ path, withToken }) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url: `${config.current().baseUrl}/api/v1${path}`,
      header: headerFor(withToken),
      timeout: config.REQUEST_TIMEOUT_MS,
      success: (res) => (ok(res.statusCode) ? resolve(res.tempFilePath) : reject(refused(res.statusCode, refusalIn(res.tempFilePath)))),
      fail: (err) => reject(unreachable(err)),
    })
  })
}

/** A file the API serves (a certificate, a report) → Promise of its temporary path on the phone. */
function download(path, params, { auth = true, quiet = false } = {}) {
  return withSession(() => fetchFile({ path: path + query(params), withToken: auth }), { auth, quiet })
}

/** Query string from an object, skipping empty values. */
function query(params) {
  const parts = Object.keys(params || {})
    .filter((k) => params[k] !== undefined && params[k] !== null && params[k] !== '')
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(params[k])}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

const get = (path, params, opts) => request({ ...opts, method: 'GET', path: path + query(params) })
const post = (path, data, opts) => request({ ...opts, method: 'POST', path, data: data || {} })
const patch = (path, data, opts) => request({ ...opts, method: 'PATCH', path, data })
const put = (path, data, opts) => request({ ...opts, method: 'PUT', path, data: data || {} })
const del = (path, opts) => request({ ...opts, method: 'DELETE', path })

/**
 * A fresh idempotency key for one money-like action (a gift, a donation): made once when the
 * person taps, reused if the same action is sent again, so the hours never move twice.
 */
function idempotencyKey(prefix) {
  const rand = Math.random().toString(36).slice(2, 10)
  return `${prefix || 'mp'}-${Date.now().toString(36)}-${rand}`
}

module.exports = { request, get, post, patch, put, del, download, query, idempotencyKey, ApiError, OFFLINE_MESSAGE, TIMEOUT_MESSAGE, LOGIN_PAGE }
