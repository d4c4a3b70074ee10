/** 开户 (open a household account), join a family with its invite code, family members without a phone. */

const api = require('../api/request')

const open = (body, opts) => api.post('/households', body, opts)
const join = (body, opts) => api.post('/households/join', body, opts)
const get = (id, opts) => api.get(`/households/${id}`, null, opts)
const addMember = (id, body, opts) => api.post(`/households/${id}/members`, body, opts)

module.exports = { open, join, get, addMember }
