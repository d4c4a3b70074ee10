/** 星级评定: my hours and stars, applying, and the station's approvals; certificates as PDF. */

const api = require('../api/request')

/** → {minutes, stars, next_stars, minutes_to_next, thresholds_hours, period, national, awards}. */
const mine = (opts) => api.get('/me/stars', null, opts)
/** Apply for the level my hours reach this year; applying again changes nothing. */
const apply = (opts) => api.post('/me/star-applications', {}, opts)
/** The station: every volunteer's hours and stars this year, beside the national level. */
const standings = (communityId, opts) => api.get(`/communities/${communityId}/stars`, null, opts)
/** filters: {year, status}. */
const awards = (communityId, filters, opts) => api.get(`/communities/${communityId}/star-awards`, filters, opts)
const approve = (id, opts) => api.post(`/star-awards/${id}/approval`, {}, opts)
const reject = (id, reason, opts) => api.post(`/star-awards/${id}/rejection`, { reason }, opts)
/** Where the certificate PDF of an approved award is downloaded from. */
const certificatePath = (id) => `/star-awards/${id}/certificate`

module.exports = { mine, apply, standings, awards, approve, reject, certificatePath }
