/** 预约服务: a household's requests for help. */

const api = require('../api/request')

const create = (body, opts) => api.post('/requests', body, opts)
/** My household's requests, newest first: the first 100 of the paged list (the page shows them in one go). */
const list = (opts) => api.get('/requests', { limit: 100 }, opts).then((page) => page.items)
const get = (id, opts) => api.get(`/requests/${id}`, null, opts)
const cancel = (id, reason, opts) => api.post(`/requests/${id}/cancel`, reason ? { reason } : {}, opts)

module.exports = { create, list, get, cancel }
