/** The task board (任务大厅) and a volunteer's own tasks. */

const api = require('../api/request')

const board = (filters, opts) => api.get('/tasks', filters, opts)
// The list may come bare or paged; pages get an array either way.
const mine = (opts) => api.get('/tasks/mine', null, opts).then((r) => (Array.isArray(r) ? r : r.items || []))
const claim = (id, opts) => api.post(`/tasks/${id}/claim`, {}, opts)
const checkIn = (id, token, opts) => api.post(`/tasks/${id}/check-in`, token ? { token } : {}, opts)
const checkOut = (id, opts) => api.post(`/tasks/${id}/check-out`, {}, opts)
const release = (id, opts) => api.post(`/tasks/${id}/release`, {}, opts)

module.exports = { board, mine, claim, checkIn, checkOut, release }
