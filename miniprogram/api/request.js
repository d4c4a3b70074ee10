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

function send({ method, path, data, withToken, headers }) {
  return new Promise((resolve, reject) => {
    const header = Object.assign({ 'Content-Type': 'application/json' }, headers)
    const token = session.token()
    if (withToken && token) header.Authorization = `Bearer ${token}`
    wx.request({
      url: `${config.current().baseUrl}/api/v1${path}`,
      method,
      data,
      header,
      timeout: config.REQUEST_TIMEOUT_MS,
      success(res) {
        const body = res.data && typeof res.data === 'object' ? res.data : {}
        if (res.statusCode >= 200 && res.statusCode < 300) {
          resolve(res.data)
          return
        }
        reject(new ApiError({
          status: res.statusCode,
          code: body.code || res.statusCode,
          message: body.message || FALLBACK_MESSAGE,
          errors: body.errors || null,
        }))
      },
      fail(err) {
        const timeout = /timeout|超时/i.test((err && err.errMsg) || '')
        reject(new ApiError({ offline: true, message: timeout ? TIMEOUT_MESSAGE : OFFLINE_MESSAGE }))
      },
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
 * request({method, path, data}) → Promise of the answer body.
 * Options: `auth: false` for public calls; `quiet: true` when the page shows the error itself;
 * `headers` for extra headers (an Idempotency-Key, sent again unchanged when the call is repeated).
 */
function request({ method = 'GET', path, data, auth = true, quiet = false, headers = null }) {
  const call = () => send({ method, path, data, withToken: auth, headers })
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
const del = (path, opts) => request({ ...opts, method: 'DELETE', path })

/**
 * A fresh idempotency key for one money-like action (a gift, a donation): made once when the
 * person taps, reused if the same action is sent again, so the hours never move twice.
 */
function idempotencyKey(prefix) {
  const rand = Math.random().toString(36).slice(2, 10)
  return `${prefix || 'mp'}-${Date.now().toString(36)}-${rand}`
}

module.exports = { request, get, post, patch, del, query, idempotencyKey, ApiError, OFFLINE_MESSAGE, TIMEOUT_MESSAGE, LOGIN_PAGE }
