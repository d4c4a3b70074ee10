/** Service records: report a service, and confirm one as its witness (见证确认), by tap or by QR. */

const api = require('../api/request')

function withRating(rating, comment) {
  const body = {}
  if (rating) body.rating = rating
  if (comment) body.comment = comment
  return body
}

const report = (body, opts) => api.post('/service-records', body, opts)
const list = (view, opts) => api.get('/service-records', { view }, opts)
const confirm = (id, rating, comment, opts) => api.post(`/service-records/${id}/confirm`, withRating(rating, comment), opts)
const dispute = (id, reason, opts) => api.post(`/service-records/${id}/dispute`, { reason }, opts)
const qr = (id, opts) => api.post(`/service-records/${id}/qr`, {}, opts)
const confirmQr = (token, rating, comment, opts) =>
  api.post('/service-records/confirm-qr', { token, ...withRating(rating, comment) }, opts)

module.exports = { report, list, confirm, dispute, qr, confirmQr }
