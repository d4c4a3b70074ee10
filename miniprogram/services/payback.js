/**
 * 优先回馈: the household's hours, spent by those of its members who may redeem (年满60岁, a
 * volunteer retired for age or illness, a hardship case 兜底对象); family or the station open the
 * request for them with `for_member_id`.
 */

const api = require('../api/request')

/**
 * {eligible, reason (for member_id, default me), member_id, member_name, available_minutes, held_minutes,
 * balance_minutes, members: everyone in the household, oldest first, each {member_id, name, relation,
 * may_redeem, reasons, reason_not}}.
 */
const eligibility = (memberId, opts) => api.get('/payback-requests/eligibility', { member_id: memberId }, opts)
const create = (body, opts) => api.post('/payback-requests', body, opts)
/** My household's payback requests, newest first: the first 100 of the paged list. */
const list = (opts) => api.get('/payback-requests', { limit: 100 }, opts).then((page) => page.items)
const cancel = (id, reason, opts) => api.post(`/payback-requests/${id}/cancel`, reason ? { reason } : {}, opts)
/** 也请邻近社区的志愿者帮忙, after the request was made (its community must be in a network). */
const openToNetwork = (id, opts) => api.post(`/requests/${id}/open-to-network`, {}, opts)

module.exports = { eligibility, create, list, cancel, openToNetwork }
