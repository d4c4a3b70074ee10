/**
 * Service records: report a service, confirm one as its witness (见证确认) by tap or by QR,
 * show my QR for the witness, or enter the code an elder reads out from their witness code card (见证码卡); withdraw or correct my own self-report while it awaits its
 * witness; the station approves or rejects what only it can settle.
 */

const api = require('../api/request')

function withRating(rating, comment) {
  const body = {}
  if (rating) body.rating = rating
  if (comment) body.comment = comment
  return body
}

const report = (body, opts) => api.post('/service-records', body, opts)
/** One page of records: {items, next_cursor (an opaque string, null on the last page)}. view: mine | to_confirm | community. */
const page = ({ view, status, cursor, limit } = {}, opts) => api.get('/service-records', { view, status, cursor, limit }, opts)
/** The first page's items, for screens that show a short list. */
const list = (view, opts) => page({ view }, opts).then((p) => p.items || [])
const get = (id, opts) => api.get(`/service-records/${id}`, null, opts)
const confirm = (id, rating, comment, opts) => api.post(`/service-records/${id}/confirm`, withRating(rating, comment), opts)
const dispute = (id, reason, opts) => api.post(`/service-records/${id}/dispute`, { reason }, opts)
/** The volunteer's QR for the witness to scan: {token, expires_at}. */
const qr = (id, opts) => api.post(`/service-records/${id}/qr`, {}, opts)
const confirmQr = (token, rating, comment, opts) =>
  api.post('/service-records/confirm-qr', { token, ...withRating(rating, comment) }, opts)
/**
 * The code the elder read out from their card (6 digits): the record is confirmed for the witness's
 * household and credited. Shown only when the record answers `code_card: true`.
 */
const confirmCode = (recordId, code, opts) => api.post('/service-records/confirm-code', { record_id: recordId, code }, opts)
/** Take back my self-report awaiting its witness (撤回): the record answers with status `withdrawn`. */
const withdraw = (id, opts) => api.post(`/service-records/${id}/withdraw`, {}, opts)
/**
 * Correct my self-report awaiting its witness: `changes` holds only the fields that change. The
 * server checks it like a new report and asks the witness again; a QR shown before no longer confirms.
 */
const edit = (id, changes, opts) => api.patch(`/service-records/${id}`, changes, opts)
const approve = (id, opts) => api.post(`/service-records/${id}/approve`, {}, opts)
const reject = (id, reason, opts) => api.post(`/service-records/${id}/reject`, { reason }, opts)

module.exports = { report, page, list, get, confirm, dispute, qr, confirmQr, confirmCode, withdraw, edit, approve, reject }
