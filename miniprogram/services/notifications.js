/** 消息: the in-app inbox, and subscribe messages asked for at the moments they matter. */

const api = require('../api/request')
const config = require('../config/index')

const list = (cursor, opts) => api.get('/notifications', { cursor }, opts)
const unreadCount = (opts) => api.get('/notifications/unread-count', null, { quiet: true, ...opts })
const markRead = (id, opts) => api.post(`/notifications/${id}/read`, {}, opts)
const markAllRead = (opts) => api.post('/notifications/read-all', {}, opts)

/**
 * Ask WeChat for subscribe-message consent for one moment (after_booking, after_claim),
 * then tell the server which templates were accepted. Never fails the caller: a refusal
 * is a normal answer.
 */
function templateKeys(moment) {
  return (config.SUBSCRIBE_MOMENTS[moment] || []).filter((k) => config.SUBSCRIBE_TEMPLATES[k])
}

function askSubscribe(moment) {
  const keys = templateKeys(moment)
  if (!keys.length || !wx.requestSubscribeMessage) return Promise.resolve([])
  const ids = keys.map((k) => config.SUBSCRIBE_TEMPLATES[k])
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: ids,
      success: (res) => resolve(keys.filter((k, i) => res[ids[i]] === 'accept')),
      fail: () => resolve([]),
    })
  }).then((accepted) => {
    if (!accepted.length) return accepted
    return api.post('/subscriptions', { accepted }, { quiet: true }).then(() => accepted, () => accepted)
  })
}

/**
 * After a success (booking, claiming), ask in plain words whether to be notified; the WeChat
 * dialog is opened inside the confirm tap, as WeChat requires. Skipped when no template is set.
 */
function offerSubscribe(moment, title, content) {
  if (!templateKeys(moment).length) return Promise.resolve([])
  return new Promise((resolve) => {
    wx.showModal({
      title, content, confirmText: '通知我', cancelText: '不用了',
      success: (res) => (res.confirm ? askSubscribe(moment).then(resolve) : resolve([])),
      fail: () => resolve([]),
    })
  })
}

module.exports = { list, unreadCount, markRead, markAllRead, askSubscribe, offerSubscribe }
