/** 迁移 as the station handles it: one move, accept it, or reject it with a reason the household reads. */

const api = require('../api/request')

/** → {id, household_name, from_community, to_community, reason, status, status_label, requested_at, and while
 * pending: available_minutes (what accepting now carries across), blocking: [{kind, id, words}] (what must be settled first)}. */
const get = (id, opts) => api.get(`/moves/${id}`, null, opts)
/** The receiving station accepts: the household's hours cross through clearing and the household joins this community. */
const accept = (id, opts) => api.post(`/moves/${id}/accept`, null, opts)
const reject = (id, reason, opts) => api.post(`/moves/${id}/reject`, { reason }, opts)

module.exports = { get, accept, reject }
