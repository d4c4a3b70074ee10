/** 志愿者登记 and the volunteer profile; team membership. */

const api = require('../api/request')

const register = (body, opts) => api.post('/volunteers', body, opts)
const get = (id, opts) => api.get(`/volunteers/${id}`, null, opts)
const update = (id, body, opts) => api.patch(`/volunteers/${id}`, body, opts)
const teams = (opts) => api.get('/teams', null, opts)
const joinTeam = (id, opts) => api.post(`/teams/${id}/membership`, {}, opts)
const leaveTeam = (id, opts) => api.del(`/teams/${id}/membership`, opts)

module.exports = { register, get, update, teams, joinTeam, leaveTeam }
