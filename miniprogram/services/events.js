/** 每月16日集中服务: activities, sign-up with a waitlist, QR check-in, closing with one batch of credits. */

const api = require('../api/request')

/** My community's activities, the latest first: the first 100 of the paged list (one a month). */
const list = (opts) => api.get('/events', { limit: 100 }, opts).then((page) => page.items)
const get = (id, opts) => api.get(`/events/${id}`, null, opts)
const create = (body, opts) => api.post('/events', body, opts)
/** → {event_id, status: signed | waitlisted, checked_in_at}. */
const signup = (id, opts) => api.post(`/events/${id}/signup`, {}, opts)
const withdraw = (id, opts) => api.del(`/events/${id}/signup`, opts)
/** The coordinator's check-in QR: {token, expires_at}. */
const qr = (id, opts) => api.post(`/events/${id}/qr`, {}, opts)
const checkIn = (token, opts) => api.post('/events/check-in', { token }, opts)
/** → {event_id, credited_now, attended}. */
const close = (id, opts) => api.post(`/events/${id}/close`, {}, opts)

module.exports = { list, get, create, signup, withdraw, qr, checkIn, close }
