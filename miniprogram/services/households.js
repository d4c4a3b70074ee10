/** 开户 (open a household account), join a family with its invite code, family members without a phone. */

const api = require('../api/request')
const session = require('../api/session')

const open = (body, opts) => api.post('/households', body, opts)
const join = (body, opts) => api.post('/households/join', body, opts)
/** The station's list of its community's households (brief): the first 100 of the paged list. */
const list = (opts) => api.get('/households', { limit: 100 }, opts).then((page) => page.items)
const get = (id, opts) => api.get(`/households/${id}`, null, opts)
const addMember = (id, body, opts) => api.post(`/households/${id}/members`, body, opts)
/** 迁移: the household's moves, newest first → [{id, to_community, status, status_label, decision_reason, ...}]. */
const moves = (id, opts) => api.get(`/households/${id}/moves`, null, opts)
/** Ask to move to another community of the network: {to_community_id, reason}. */
const askMove = (id, body, opts) => api.post(`/households/${id}/moves`, body, opts)
const cancelMove = (moveId, opts) => api.post(`/moves/${moveId}/cancel`, null, opts)

/** My household, or null when I have none yet. */
function mine(opts) {
  const m = session.member()
  return m && m.household_id ? get(m.household_id, opts) : Promise.resolve(null)
}

/** Members this phone acts for (亲情代理): family without WeChat of their own. */
function family(household) {
  return ((household && household.members) || []).filter((m) => !m.uses_wechat)
}

module.exports = { open, join, list, get, addMember, moves, askMove, cancelMove, mine, family }
