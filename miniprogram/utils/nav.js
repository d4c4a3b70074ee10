/** Where a member goes after logging in, and small navigation helpers. */

const session = require('../api/session')

/** Members without a household open or join one first; coordinators and admins need none. */
function homeFor(member) {
  const roles = (member && member.roles) || []
  const staff = roles.indexOf('coordinator') >= 0 || roles.indexOf('admin') >= 0
  if (member && !member.household_id && !staff) return '/pages/household/index'
  return '/pages/home/index'
}

function goHome() {
  wx.reLaunch({ url: homeFor(session.member()) })
}

function go(e) {
  const url = e.currentTarget.dataset.url
  if (url) wx.navigateTo({ url })
}

/** A confirmation dialog as a promise: true when the person chose the confirm button. */
function confirmDialog({ title, content, confirmText = '确定', cancelText = '取消' }) {
  return new Promise((resolve) => {
    wx.showModal({
      title, content, confirmText, cancelText,
      success: (res) => resolve(!!res.confirm),
      fail: () => resolve(false),
    })
  })
}

/** The same, asking for a line of text (wx.showModal editable); resolves null when cancelled. */
function askText({ title, placeholder, confirmText = '提交' }) {
  return new Promise((resolve) => {
    wx.showModal({
      title, editable: true, placeholderText: placeholder, confirmText, cancelText: '取消',
      success: (res) => resolve(res.confirm ? (res.content || '').trim() : null),
      fail: () => resolve(null),
    })
  })
}

/**
 * Ask for a reason that must be given: resolves the text, or null when the person cancelled
 * or wrote less than `min` characters (a short note then says `missing`).
 */
function askReason({ title, placeholder, confirmText, min = 1, missing = '请写一下原因' }) {
  return askText({ title, placeholder, confirmText }).then((text) => {
    if (text === null) return null
    if (text.length < min) {
      wx.showToast({ title: missing, icon: 'none' })
      return null
    }
    return text
  })
}

function toast(title) {
  wx.showToast({ title, icon: 'success', duration: 2000 })
}

module.exports = { homeFor, goHome, go, confirmDialog, askText, askReason, toast }
