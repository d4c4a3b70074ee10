/** 签约服务机构: the community's contracted providers (station only). No price anywhere: hours have no cash value. */

const api = require('../api/request')

/** filters {active, category_id} → a bounded array, by name. */
const list = (filters, opts) => api.get('/providers', filters, opts)
/** body {name, contact_name, phone, category_ids, active}; key: api.idempotencyKey('provider') made once per tap. */
const create = (body, key, opts) => api.post('/providers', body, Object.assign({}, opts, { headers: { 'Idempotency-Key': key } }))
const update = (id, body, opts) => api.patch(`/providers/${id}`, body, opts)

module.exports = { list, create, update }
