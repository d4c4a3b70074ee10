/** 预约服务: a household's requests for help. */

const api = require('../api/request')

const create = (body, opts) => api.post('/requests', body, opts)
const list = (opts) => api.get('/requests', null, opts)
const get = (id, opts) => api.get(`/requests/${id}`, null, opts)
const cancel = (id, reason, opts) => api.post(`/requests/${id}/cancel`, reason ? { reason } : {}, opts)

module.exports = { create, list, get, cancel }
