/** 检查和走访: the quarterly audits, the sampled visits a coordinator makes, their outcomes and the report. */

const api = require('../api/request')

const list = (communityId, opts) => api.get(`/communities/${communityId}/audits`, null, opts)
/** An audit with its flags and every visit. */
const get = (id, opts) => api.get(`/audits/${id}`, null, opts)
/** body: {outcome: confirmed | disputed, notes (needed when disputed), method}. */
const outcome = (visitId, body, opts) => api.post(`/audit-visits/${visitId}/outcome`, body, opts)
/** Where the report PDF is downloaded from. */
const reportPath = (id) => `/audits/${id}/report`

module.exports = { list, get, outcome, reportPath }
