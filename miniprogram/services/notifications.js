/** 消息: the in-app inbox, and subscribe messages asked for at the moments they matter. */

const api = require('../api/request')
const config = require('../config/index')

/** One page, newest first: {items, next_cursor}; pass next_cursor back as `cursor` for older ones. */
const list = (cursor, opts) => api.get('/notifications', { cursor }, opts)
/** → {unread}. */
const unreadCount = (opts) => api.get('/notifications/unread-count', null, { quiet: true, ...opts })
const markRead = (id, opts) => api.post('/notifications/read', { id }, opts)
/** Only up to the newest one the screen showed, so one arriving meanwhile stays unread. */
const markAllRead = (upTo, opts) => api.post('/notifications/read-all', upTo ? { up_to: upTo } : {}, opts)

// Our template key → WeChat template id, from the server once per run; keys without an id are left out.
let templateIds = null

function templates() {
  if (templateIds) return Promise.resolve(templateIds)
  return api.get('/subscriptions', null, { quiet: true }).then((rows) => {
    templateIds = {}
    ;(rows || []).forEach((r) => { if (r.template_id) templateIds[r.template_key] = r.template_id })
    return templateIds
  }, () => ({}))
}

function forget() {
  templateIds = null
}

function keysFor(moment, ids) {
  return (config.SUBSCRIBE_MOMENTS[moment] || []).filter((k) => ids[k])
}

/**
 * Open WeChat's dialog for these keys (call it inside a tap: WeChat requires it), then report
 * every answer to the server, which keeps one send credit per accept. Resolves with the accepted
 * keys; never fails the caller, since a refusal is a normal answer.
 */
function request(keys, ids) {
  if (!keys.length || !wx.requestSubscribeMessage) return Promise.resolve([])
  const tmplIds = keys.map((k) => ids[k])
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => {
        const results = {}
        keys.forEach((k, i) => { if (typeof res[tmplIds[i]] === 'string') results[k] = res[tmplIds[i]] })
        resolve(results)
      },
      fail: () => resolve({}),
    })
  }).then((results) => {
    const accepted = Object.keys(results).filter((k) => results[k] === 'accept')
    if (!Object.keys(results).length) return accepted
    return api.post('/subscriptions', { results }, { quiet: true }).then(() => accepted, () => accepted)
  })
}

/** Ask directly (the caller is a tap handler): used by the 消息 page's switches. */
function askSubscribe(moment) {
  return templates().then((ids) => request(keysFor(moment, ids), ids))
}

/**
 * After a success (booking, claiming, signing up), ask in plain words whether to be notified;
 * the WeChat dialog opens inside the confirm tap, as WeChat requires. Skipped when the server
 * has no template for this moment.
 */
function offerSubscribe(moment, title, content) {
  return templates().then((ids) => {
    const keys = keysFor(moment, ids)
    if (!keys.length) return []
    return new Promise((resolve) => {
      wx.showModal({
        title, content, confirmText: '通知我', cancelText: '不用了',
        success: (res) => (res.confirm ? request(keys, ids).then(resolve) : resolve([])),
        fail: () => resolve([]),
      })
    })
  })
}

module.exports = { list, unreadCount, markRead, markAllRead, askSubscribe, offerSubscribe, forget }
