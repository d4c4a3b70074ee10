/** Logging in: WeChat (wx.login → /auth/wechat) or, in development, a demo member. */

const api = require('../api/request')
const session = require('../api/session')
const config = require('../config/index')

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : reject(new api.ApiError({ message: '微信登录没有成功，请再试一次' }))),
      fail: () => reject(new api.ApiError({ message: '微信登录没有成功，请再试一次' })),
    })
  })
}

function keep(answer) {
  session.save(answer)
  return answer.member
}

/** Log in with WeChat; resolves with the member. */
function loginWithWechat(opts) {
  return wxLoginCode()
    .then((code) => api.post('/auth/wechat', { code }, { auth: false, ...opts }))
    .then(keep)
}

/** The demo members the development login accepts. */
function devLogins(opts) {
  return api.get('/auth/dev-logins', null, { auth: false, ...opts })
}

function devLogin(handle, opts) {
  return api.post('/auth/dev-login', { handle }, { auth: false, ...opts }).then((answer) => {
    session.setDevHandle(handle)
    return keep(answer)
  })
}

/** Used by the request wrapper on a 401: log in again the same way, without any dialog. */
function silentLogin() {
  const handle = session.devHandle()
  if (config.current().devLogin && handle) return devLogin(handle, { quiet: true })
  return loginWithWechat({ quiet: true })
}

function logout() {
  session.clear()
  session.setDevHandle('')
}

module.exports = { loginWithWechat, devLogins, devLogin, silentLogin, logout }
