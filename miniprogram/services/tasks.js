/** The task board (任务大厅), a volunteer's own tasks, and what the recipient's family or the station does to a task. */

const api = require('../api/request')

/** filters: {category, team_id, date, area, cursor (the previous page's next_cursor), limit} → {items, next_cursor}. */
const board = (filters, opts) => api.get('/tasks', filters, opts)
const mine = (opts) => api.get('/tasks/mine', null, opts)
const get = (id, opts) => api.get(`/tasks/${id}`, null, opts)
const claim = (id, opts) => api.post(`/tasks/${id}/claim`, {}, opts)
const release = (id, opts) => api.post(`/tasks/${id}/release`, {}, opts)
/** 指定服务人 who cannot come: the others are asked at once. */
const pass = (id, opts) => api.post(`/tasks/${id}/pass`, {}, opts)
const checkIn = (id, token, opts) => api.post(`/tasks/${id}/check-in`, token ? { token } : {}, opts)
/** → {task, record}: the record the witness will confirm. */
const checkOut = (id, opts) => api.post(`/tasks/${id}/check-out`, {}, opts)
/** The recipient's family (or the station) shows this QR; the volunteer scans it to check in. */
const checkInQr = (id, opts) => api.post(`/tasks/${id}/checkin-qr`, {}, opts)
const cancel = (id, reason, opts) => api.post(`/tasks/${id}/cancel`, reason ? { reason } : {}, opts)
const noShow = (id, reason, opts) => api.post(`/tasks/${id}/no-show`, reason ? { reason } : {}, opts)
/** The station has read a held request and puts it on the board. */
const publish = (id, opts) => api.post(`/tasks/${id}/publish`, {}, opts)

/** Whom matching asked about the task, round by round (station): the assign page's suggestions. */
const candidates = (id, opts) => api.get(`/tasks/${id}/candidates`, null, opts)
/** 指派 (station): body {volunteer_id} or {provider_id}, and a note. */
const assign = (id, body, opts) => api.post(`/tasks/${id}/assign`, body, opts)
/** 婉拒: the volunteer a coordinator assigned hands the task back. */
const decline = (id, reason, opts) => api.post(`/tasks/${id}/decline`, reason ? { reason } : {}, opts)
/** The station records the assigned provider's visit: {started_at, ended_at, content} → {task, record}. */
const providerService = (id, body, opts) => api.post(`/tasks/${id}/provider-service`, body, opts)

module.exports = {
  board, mine, get, claim, release, pass, checkIn, checkOut, checkInQr, cancel, noShow, publish, candidates, assign,
  decline, providerService,
}
