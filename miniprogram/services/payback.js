/** 优先回馈: retired volunteers spend banked hours on priority service. */

const api = require('../api/request')

const eligibility = (opts) => api.get('/payback-requests/eligibility', null, opts)
const create = (body, opts) => api.post('/payback-requests', body, opts)
const list = (opts) => api.get('/payback-requests', null, opts)
const cancel = (id, opts) => api.post(`/payback-requests/${id}/cancel`, {}, opts)

module.exports = { eligibility, create, list, cancel }
