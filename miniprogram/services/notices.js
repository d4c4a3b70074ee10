/** 公告: the quarter's public notice for residents, objections to proposed star awards, and the station's answers. */

const api = require('../api/request')

/** My community's notices, newest first: the first page (a few a year). */
const list = (opts) => api.get('/notices', null, opts).then((page) => page.items)
const get = (id, opts) => api.get(`/notices/${id}`, null, opts)
const object = (id, awardId, reason, opts) => api.post(`/notices/${id}/objections`, { award_id: awardId, reason }, opts)
/** The station: the objections to a notice's awards, oldest first. */
const objections = (id, opts) => api.get(`/notices/${id}/objections`, null, opts)
/** decision: upheld (the award is rejected) | dismissed (it may go ahead). */
const resolve = (objectionId, decision, note, opts) => api.post(`/objections/${objectionId}/resolution`, { decision, note }, opts)

module.exports = { list, get, object, objections, resolve }
