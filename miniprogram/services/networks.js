/** 通存通兑: the exchange networks of communities, each member's net position and limit (admins: all). */

const api = require('../api/request')

/** → [{id, name, kind, members: [{community_id, community_name, limit_minutes, position_minutes, position_label}]}]. */
const list = (opts) => api.get('/networks', null, opts)
/** → {network_id, year, month, closed, flows: [...], positions: [...]}. */
const settlement = (id, year, month, opts) => api.get(`/networks/${id}/settlements`, { year, month }, opts)

module.exports = { list, settlement }
