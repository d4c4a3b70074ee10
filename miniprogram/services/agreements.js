/** 建档立卡 and 一对一帮扶协议: recipient files, agreements, signing, and the station's changes of status. */

const api = require('../api/request')

const files = (opts) => api.get('/recipient-files', null, opts)
const openFile = (body, opts) => api.post('/recipient-files', body, opts)
/** The agreements I may see, newest first: the first 100 of the paged list (the page sorts those waiting for me to the top). */
const list = (opts) => api.get('/agreements', { limit: 100 }, opts).then((page) => page.items)
const get = (id, opts) => api.get(`/agreements/${id}`, null, opts)
const draft = (body, opts) => api.post('/agreements', body, opts)
/** No body: the server knows what the caller signs as (recipient or family, volunteer, station). */
const sign = (id, opts) => api.post(`/agreements/${id}/sign`, {}, opts)
/** action: suspend | resume | end | renew (renew needs end_date). */
function setStatus(id, action, { note, endDate } = {}, opts) {
  const body = { action }
  if (note) body.note = note
  if (endDate) body.end_date = endDate
  return api.post(`/agreements/${id}/status`, body, opts)
}

module.exports = { files, openFile, list, get, draft, sign, setStatus }
