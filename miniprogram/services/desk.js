/** 服务站 desk: what the coordinator should look at today, in one answer. */

const api = require('../api/request')

/** → {records_waiting, held_requests, unclaimed_tasks, todays_visits, events, outlook_warning (null when green)}. */
const today = (opts) => api.get('/desk', null, opts)

module.exports = { today }
