/** 志愿者登记 and the volunteer profile; team membership. */

const api = require('../api/request')

const register = (body, opts) => api.post('/volunteers', body, opts)
/** The first `limit` of a paged list ({items, next_cursor}), as an array: the station's lists fit one page. */
const firstPage = (path, filters, opts) => api.get(path, Object.assign({ limit: 100 }, filters), opts).then((page) => page.items)
/** The station's list: filters {status, team_id, category, q}; the first 100. */
const list = (filters, opts) => firstPage('/volunteers', filters, opts)
const get = (id, opts) => api.get(`/volunteers/${id}`, null, opts)
const update = (id, body, opts) => api.patch(`/volunteers/${id}`, body, opts)
/** 志愿者审核 (station): applications waiting for a decision; the admin's list spans every community. */
const applications = (filters, opts) => firstPage('/volunteers/applications', filters, opts)
const approve = (id, opts) => api.post(`/volunteers/${id}/review`, { decision: 'approve' }, opts)
const reject = (id, reason, opts) => api.post(`/volunteers/${id}/review`, { decision: 'reject', reason }, opts)
const teams = (opts) => api.get('/teams', null, opts)
const joinTeam = (id, opts) => api.post(`/teams/${id}/membership`, {}, opts)
const leaveTeam = (id, opts) => api.del(`/teams/${id}/membership`, opts)

module.exports = { register, list, get, update, applications, approve, reject, teams, joinTeam, leaveTeam }
