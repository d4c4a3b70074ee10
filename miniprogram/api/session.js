/** The login token and the member it belongs to, kept in storage so a restart stays logged in. */

const TOKEN = 'lb_token'
const MEMBER = 'lb_member'
const DEV_HANDLE = 'lb_dev_handle'

function token() {
  return wx.getStorageSync(TOKEN) || ''
}

function member() {
  return wx.getStorageSync(MEMBER) || null
}

function save(answer) {
  wx.setStorageSync(TOKEN, answer.token)
  if (answer.member) wx.setStorageSync(MEMBER, answer.member)
}

function setMember(m) {
  wx.setStorageSync(MEMBER, m)
}

function devHandle() {
  return wx.getStorageSync(DEV_HANDLE) || ''
}

function setDevHandle(handle) {
  wx.setStorageSync(DEV_HANDLE, handle)
}

function clear() {
  wx.removeStorageSync(TOKEN)
  wx.removeStorageSync(MEMBER)
}

function hasRole(role) {
  const m = member()
  return !!(m && m.roles && m.roles.indexOf(role) >= 0)
}

module.exports = { token, member, save, setMember, devHandle, setDevHandle, clear, hasRole }
