/** 优先回馈: retired volunteers (or family for them) spend banked hours on priority service. */

const api = require('../api/request')

/** {eligible, reason, member_id, member_name, available_minutes, held_minutes, balance_minutes}. */
const eligibility = (forMemberId, opts) => api.get('/payback-requests/eligibility', { for_member_id: forMemberId }, opts)
const create = (body, opts) => api.post('/payback-requests', body, opts)
const list = (opts) => api.get('/payback-requests', null, opts)
const cancel = (id, reason, opts) => api.post(`/payback-requests/${id}/cancel`, reason ? { reason } : {}, opts)

module.exports = { eligibility, create, list, cancel }
